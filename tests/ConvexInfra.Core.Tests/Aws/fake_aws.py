#!/usr/bin/env python3
"""A loopback stand-in for S3, SSM GetParameter and the ECS container credentials endpoint, for tests.

Every signed request is checked with botocore's own Signature Version 4 code (the AWS SDK for Python), so a test
that passes here sends what AWS would accept, not what this file believes. State lives in a directory:
  s3/BUCKET/KEY            stored objects; KEY.meta.json beside each holds its x-amz-server-side-encryption headers
  ssm/NAME                 parameter values (NAME with '/' written as %2F)
  fail/OPERATION           when present, that operation answers with the HTTP status written in the file
                           ("STATUS COUNT": only the next COUNT requests)
  requests.jsonl           one JSON line per request: method, path, query, headers, operation, signature_ok
The first line on stdout is the port it listens on.
"""
import argparse
import datetime
import hashlib
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDFAKEEXAMPLE"
SECRET_KEY = "fake/secret/key/for+tests"
SESSION_TOKEN = "fake-session-token"
CREDENTIALS_TOKEN = "fake-container-authorization-token"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = "."
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    # --- plumbing -------------------------------------------------------------------------------------------------
    def _body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status, body=b"", content_type="application/xml"):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, operation, signature_ok, detail="", body=None):
        split = urllib.parse.urlsplit(self.path)
        line = {
            "method": self.command,
            "path": split.path,
            "query": split.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "operation": operation,
            "signature_ok": signature_ok,
            "detail": detail,
        }
        if body is not None:
            line["body"] = body.decode("utf-8", "replace")
        with self.lock, open(os.path.join(self.state, "requests.jsonl"), "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")

    def _injected_failure(self, operation):
        path = os.path.join(self.state, "fail", operation)
        with self.lock:
            if not os.path.exists(path):
                return None
            with open(path, encoding="utf-8") as f:
                words = f.read().split()
            status = int(words[0]) if words else 500
            if len(words) > 1:  # "STATUS COUNT": only the next COUNT requests fail
                remaining = int(words[1]) - 1
                if remaining <= 0:
                    os.remove(path)
                else:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(f"{status} {remaining}")
            return status

    def _verify(self, body):
        """Recomputes the signature with botocore from what arrived; returns (ok, service, detail)."""
        authorization = self.headers.get("authorization", "")
        if not authorization.startswith("AWS4-HMAC-SHA256 "):
            return False, None, "no SigV4 Authorization header"
        fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
        access_key, date, region, service, terminator = fields["Credential"].split("/")
        if access_key != ACCESS_KEY or terminator != "aws4_request":
            return False, service, "unknown access key or scope"
        signed = fields["SignedHeaders"].split(";")
        for required in ("host", "x-amz-date"):
            if required not in signed:
                return False, service, f"{required} is not signed"
        token = self.headers.get("x-amz-security-token")
        if token is not None and token != SESSION_TOKEN:
            return False, service, "wrong session token"
        content_sha = self.headers.get("x-amz-content-sha256")
        if service == "s3" and content_sha != hashlib.sha256(body).hexdigest():
            return False, service, "x-amz-content-sha256 does not match the body"
        headers = {name: self.headers.get(name) for name in signed}
        url = f"http://{self.headers.get('host')}{self.path}"
        request = AWSRequest(method=self.command, url=url, headers=headers, data=body)
        request.context["timestamp"] = self.headers.get("x-amz-date")
        if not request.context["timestamp"].startswith(date):
            return False, service, "x-amz-date and the credential scope disagree"
        auth_class = S3SigV4Auth if service == "s3" else SigV4Auth
        auth = auth_class(Credentials(ACCESS_KEY, SECRET_KEY, token), service, region)
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        if expected != fields["Signature"]:
            return False, service, "SignatureDoesNotMatch"
        stamp = datetime.datetime.strptime(self.headers.get("x-amz-date"), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds()) > 900:
            return False, service, "RequestTimeTooSkewed"
        return True, service, ""

    # --- routing --------------------------------------------------------------------------------------------------
    def _handle(self):
        body = self._body()
        split = urllib.parse.urlsplit(self.path)
        if split.path == "/creds":
            ok = self.headers.get("authorization") == CREDENTIALS_TOKEN
            self._record("credentials", ok)
            if not ok:
                return self._answer(403, b"{}", "application/json")
            answer = {"AccessKeyId": ACCESS_KEY, "SecretAccessKey": SECRET_KEY, "Token": SESSION_TOKEN,
                      "Expiration": "2099-01-01T00:00:00Z"}
            return self._answer(200, json.dumps(answer).encode(), "application/json")
        ok, service, detail = self._verify(body)
        target = self.headers.get("x-amz-target", "")
        operation = target.split(".")[-1] if target else f"s3-{self.command.lower()}"
        if service == "s3" and self.command == "GET" and "list-type=2" in split.query:
            operation = "s3-list"
        # SSM request bodies name a parameter, never a value: recorded so tests can assert on them. S3 bodies are not.
        self._record(operation, ok, detail, body if target else None)
        if not ok:
            return self._answer(403, f"<Error><Code>SignatureDoesNotMatch</Code><Message>{detail}</Message></Error>".encode())
        failure = self._injected_failure(operation)
        if failure is not None:
            return self._answer(failure, b"<Error><Code>InternalError</Code></Error>")
        if target == "AmazonSSM.GetParameter":
            return self._ssm_get_parameter(json.loads(body))
        return self._s3(split, body)

    def _ssm_get_parameter(self, request):
        path = os.path.join(self.state, "ssm", request["Name"].replace("/", "%2F"))
        if not os.path.exists(path):
            answer = {"__type": "com.amazonaws.ssm#ParameterNotFound", "message": "not found"}
            return self._answer(400, json.dumps(answer).encode(), "application/x-amz-json-1.1")
        with open(path, encoding="utf-8") as f:
            value = f.read()
        answer = {"Parameter": {"Name": request["Name"], "Value": value, "Version": 1}}
        return self._answer(200, json.dumps(answer).encode(), "application/x-amz-json-1.1")

    def _s3(self, split, body):
        parts = urllib.parse.unquote(split.path).lstrip("/").split("/", 1)
        bucket, key = parts[0], (parts[1] if len(parts) > 1 else "")
        root = os.path.join(self.state, "s3", bucket)
        path = os.path.join(root, key)
        if self.command == "PUT" and key:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(body)
            meta = {k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-amz-server-side-encryption")}
            with open(path + ".meta.json", "w", encoding="utf-8") as f:
                json.dump(meta, f)
            return self._answer(200)
        if self.command == "GET" and key:
            if not os.path.isfile(path):
                return self._answer(404, b"<Error><Code>NoSuchKey</Code></Error>")
            with open(path, "rb") as f:
                return self._answer(200, f.read(), "application/octet-stream")
        if self.command == "DELETE" and key:
            for leftover in (path, path + ".meta.json"):
                if os.path.exists(leftover):
                    os.remove(leftover)
            return self._answer(204)
        if self.command == "GET":
            return self._list(root, urllib.parse.parse_qs(split.query))
        return self._answer(400, b"<Error><Code>NotImplemented</Code></Error>")

    def _list(self, root, query):
        prefix = query.get("prefix", [""])[0]
        keys = []
        for directory, _, files in os.walk(root):
            for name in files:
                if name.endswith(".meta.json"):
                    continue
                full = os.path.join(directory, name)
                key = os.path.relpath(full, root).replace(os.sep, "/")
                if key.startswith(prefix):
                    keys.append((key, full))
        keys.sort()
        # Two objects a page, so continuation tokens are exercised.
        start = int(query.get("continuation-token", ["0"])[0])
        page = keys[start:start + 2]
        truncated = start + 2 < len(keys)
        out = ["<ListBucketResult>"]
        for key, full in page:
            modified = datetime.datetime.fromtimestamp(os.path.getmtime(full), datetime.timezone.utc)
            out.append(f"<Contents><Key>{escape(key)}</Key><LastModified>{modified.strftime('%Y-%m-%dT%H:%M:%S.000Z')}"
                       f"</LastModified><Size>{os.path.getsize(full)}</Size></Contents>")
        out.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
        if truncated:
            out.append(f"<NextContinuationToken>{start + 2}</NextContinuationToken>")
        out.append("</ListBucketResult>")
        return self._answer(200, "".join(out).encode())

    do_GET = do_PUT = do_POST = do_DELETE = _handle


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", required=True)
    args = parser.parse_args()
    for folder in ("s3", "ssm", "fail"):
        os.makedirs(os.path.join(args.state, folder), exist_ok=True)
    Handler.state = args.state
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
