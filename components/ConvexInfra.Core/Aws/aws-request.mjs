// Managed by convex-infra: signed AWS requests for containers that have Node but no AWS CLI (the export task's node
// image, the backend image, the local exporter). Signature Version 4 by hand with node:crypto, so nothing is
// installed from a registry next to the credentials. Only what the product needs: S3 put/get/list/delete (AWS or an
// S3-compatible store) and SSM GetParameter.
//
//   node aws-request.mjs s3-put    --region R --bucket B --key K [--file PATH] [--sse-kms-key-id KEY [--no-bucket-key]] [--endpoint URL] [--path-style]
//   node aws-request.mjs s3-get    --region R --bucket B --key K [--endpoint URL] [--path-style]
//   node aws-request.mjs s3-list   --region R --bucket B [--prefix P] [--endpoint URL] [--path-style]
//   node aws-request.mjs s3-delete --region R --bucket B --key K [--endpoint URL] [--path-style]
//   node aws-request.mjs ssm-get-parameter --region R --name N [--with-decryption] [--endpoint URL]
//
// Exit 0 on success; 3 when the object or parameter does not exist; 2 for a usage error; 1 for anything else, with
// one line on stderr naming the operation, the HTTP status and AWS's error code. Nothing printed ever holds a
// credential or a body this script sent (the body of s3-put may be secret: it comes from a file or standard input).
import { createHash, createHmac } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_NOT_FOUND = 3;
const ATTEMPTS = 3;

class RequestError extends Error {
  constructor(message, exitCode = EXIT_FAILED, retryable = false) {
    super(message);
    this.exitCode = exitCode;
    this.retryable = retryable;
  }
}

const COMMANDS = {
  's3-put': { required: ['region', 'bucket', 'key'], optional: ['file', 'sse-kms-key-id', 'endpoint'], flags: ['path-style', 'no-bucket-key'] },
  's3-get': { required: ['region', 'bucket', 'key'], optional: ['endpoint'], flags: ['path-style'] },
  's3-list': { required: ['region', 'bucket'], optional: ['prefix', 'endpoint'], flags: ['path-style'] },
  's3-delete': { required: ['region', 'bucket', 'key'], optional: ['endpoint'], flags: ['path-style'] },
  'ssm-get-parameter': { required: ['region', 'name'], optional: ['endpoint'], flags: ['with-decryption'] },
};

function parseArguments(argv) {
  const [command, ...rest] = argv;
  const spec = COMMANDS[command];
  if (!spec) {
    throw new RequestError(`usage: aws-request.mjs <${Object.keys(COMMANDS).join('|')}> [options]; got '${command ?? ''}'`, EXIT_USAGE);
  }
  const options = {};
  for (let i = 0; i < rest.length; i += 1) {
    const name = rest[i].startsWith('--') ? rest[i].slice(2) : null;
    if (name !== null && spec.flags.includes(name)) {
      options[name] = true;
    } else if (name !== null && (spec.required.includes(name) || spec.optional.includes(name)) && i + 1 < rest.length) {
      options[name] = rest[i + 1];
      i += 1;
    } else {
      throw new RequestError(`${command}: unknown or incomplete option '${rest[i]}'`, EXIT_USAGE);
    }
  }
  const missing = spec.required.filter((name) => !options[name]);
  if (missing.length > 0) {
    throw new RequestError(`${command}: missing ${missing.map((name) => `--${name}`).join(', ')}`, EXIT_USAGE);
  }
  return { command, options };
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

// RFC 3986 unreserved characters stay; everything else is percent-encoded (what SigV4 expects).
function uriEncode(value, keepSlash = false) {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/**
 * Signs a request (Signature Version 4, header form). `request` = { method, url (URL), headers (lower-case names),
 * payloadHash, region, service }; returns the headers to send, Authorization included.
 */
function sign(request, credentials, now = new Date()) {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const date = amzDate.slice(0, 8);
  const headers = { ...request.headers, host: request.url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': request.payloadHash };
  if (credentials.sessionToken) {
    headers['x-amz-security-token'] = credentials.sessionToken;
  }
  const names = Object.keys(headers).map((name) => name.toLowerCase()).sort();
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...request.url.searchParams.entries()]
    .map(([key, value]) => [uriEncode(key), uriEncode(value)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [request.method, request.url.pathname, query, canonicalHeaders, signedHeaders, request.payloadHash].join('\n');
  const scope = `${date}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [request.region, request.service, 'aws4_request']) {
    key = hmac(key, part);
  }
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

function send(url, { method = 'GET', headers = {}, body = null, timeoutMs = 30000 } = {}) {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within ${timeoutMs / 1000}s`)));
    req.on('error', reject);
    if (body === null) {
      req.end();
    } else if (typeof body.pipe === 'function') {
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    } else {
      req.end(body);
    }
  });
}

// The container credentials endpoint may only be the ECS agent's link-local address, or a loopback one.
const CONTAINER_HOSTS = new Set(['169.254.170.2', '169.254.170.23', '127.0.0.1', 'localhost', '[::1]']);

async function loadCredentials(env = process.env) {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || null };
  }
  let url;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
    url = new URL(`http://169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}`);
  } else if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    url = new URL(env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    if (url.protocol !== 'https:' && !CONTAINER_HOSTS.has(url.hostname)) {
      throw new RequestError(`credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/ECS address, got host ${url.hostname}`);
    }
  } else {
    throw new RequestError('credentials: none found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run in an ECS task with a task role)');
  }
  const headers = {};
  const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN
    || (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ? readFileSync(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, 'utf8').trim() : '');
  if (token) {
    headers.authorization = token;
  }
  const response = await send(url, { headers, timeoutMs: 5000 });
  if (response.status !== 200) {
    throw new RequestError(`credentials: the container credentials endpoint answered HTTP ${response.status}`);
  }
  const body = JSON.parse(response.body.toString('utf8'));
  if (!body.AccessKeyId || !body.SecretAccessKey) {
    throw new RequestError('credentials: the container credentials endpoint answered without AccessKeyId/SecretAccessKey');
  }
  return { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.Token || null };
}

const isAddressHost = (hostname) => hostname === 'localhost' || /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith('[');

/** The URL of an S3 object or bucket: virtual-hosted on AWS, path-style when asked, for IP/localhost endpoints and dotted buckets. */
function s3Url(options, key, env = process.env) {
  const endpoint = options.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || `https://s3.${options.region}.amazonaws.com`;
  const base = new URL(endpoint);
  const objectPath = key === null ? '' : uriEncode(key, true);
  const pathStyle = options['path-style'] || isAddressHost(base.hostname) || options.bucket.includes('.');
  const prefix = base.pathname.replace(/\/$/, '');
  if (pathStyle) {
    return new URL(`${base.protocol}//${base.host}${prefix}/${uriEncode(options.bucket)}/${objectPath}`);
  }
  return new URL(`${base.protocol}//${options.bucket}.${base.host}${prefix}/${objectPath}`);
}

function awsErrorCode(response) {
  const text = response.body.toString('utf8');
  const xml = /<Code>([^<]+)<\/Code>/.exec(text);
  if (xml) {
    return xml[1];
  }
  try {
    const type = JSON.parse(text).__type;
    return type ? String(type).split('#').pop() : 'unknown';
  } catch {
    return response.status === 404 ? 'NotFound' : 'unknown';
  }
}

async function signedRequest(operation, credentials, { method, url, region, service, headers = {}, payloadHash, body }) {
  let lastError = null;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      const signed = sign({ method, url, headers, payloadHash, region, service }, credentials);
      const response = await send(url, { method, headers: signed, body: body() });
      if (response.status >= 200 && response.status < 300) {
        return response;
      }
      const code = awsErrorCode(response);
      const notFound = response.status === 404 || code === 'ParameterNotFound' || code === 'NoSuchKey';
      const retryable = response.status >= 500 || code === 'ThrottlingException' || code === 'SlowDown' || code === 'RequestTimeout';
      throw new RequestError(`${operation}: HTTP ${response.status} ${code}`, notFound ? EXIT_NOT_FOUND : EXIT_FAILED, retryable);
    } catch (error) {
      const failure = error instanceof RequestError ? error : new RequestError(`${operation}: ${error.message}`, EXIT_FAILED, true);
      if (!failure.retryable || attempt === ATTEMPTS) {
        throw failure;
      }
      lastError = failure;
      await new Promise((resolve) => { setTimeout(resolve, 500 * 2 ** (attempt - 1)); });
    }
  }
  throw lastError;
}

function readStandardInput() {
  return readFileSync(0);
}

function hashFile(path, algorithm = 'sha256', encoding = 'hex') {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest(encoding))).on('error', reject);
  });
}

const EMPTY_HASH = sha256('');

const decodeXml = (text) => text.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name, dec, hex) => {
  if (dec) return String.fromCodePoint(Number(dec));
  if (hex) return String.fromCodePoint(parseInt(hex, 16));
  return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name];
});

async function s3Put(options, credentials) {
  const url = s3Url(options, options.key);
  const headers = {};
  if (options['sse-kms-key-id']) {
    headers['x-amz-server-side-encryption'] = 'aws:kms';
    headers['x-amz-server-side-encryption-aws-kms-key-id'] = options['sse-kms-key-id'];
  }
  if (options['no-bucket-key']) {
    // Without an S3 Bucket Key, S3 asks KMS with the object's ARN as encryption context, so a key policy can scope
    // by key prefix; a bucket whose default has one would otherwise use it (AWS S3 User Guide, configuring-bucket-key-object).
    headers['x-amz-server-side-encryption-bucket-key-enabled'] = 'false';
  }
  // Content-MD5 on every put: S3 refuses a PutObject into a bucket with an Object Lock default retention without it
  // (or a checksum header), as the exports bucket of staging and prod has (aws/aws-sdk-php#1694).
  let payloadHash;
  let body;
  if (options.file) {
    const { size } = statSync(options.file);
    payloadHash = await hashFile(options.file);
    headers['content-md5'] = await hashFile(options.file, 'md5', 'base64');
    headers['content-length'] = String(size);
    body = () => createReadStream(options.file);
  } else {
    const data = readStandardInput();
    payloadHash = sha256(data);
    headers['content-md5'] = createHash('md5').update(data).digest('base64');
    headers['content-length'] = String(data.length);
    body = () => data;
  }
  await signedRequest('s3-put', credentials, { method: 'PUT', url, region: options.region, service: 's3', headers, payloadHash, body });
}

async function s3Get(options, credentials) {
  const url = s3Url(options, options.key);
  const response = await signedRequest('s3-get', credentials, { method: 'GET', url, region: options.region, service: 's3', payloadHash: EMPTY_HASH, body: () => null });
  process.stdout.write(response.body);
}

async function s3List(options, credentials) {
  let token = null;
  const lines = [];
  do {
    const url = s3Url(options, null);
    url.searchParams.set('list-type', '2');
    if (options.prefix) url.searchParams.set('prefix', options.prefix);
    if (token) url.searchParams.set('continuation-token', token);
    const response = await signedRequest('s3-list', credentials, { method: 'GET', url, region: options.region, service: 's3', payloadHash: EMPTY_HASH, body: () => null });
    const text = response.body.toString('utf8');
    for (const match of text.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      const field = (name) => decodeXml((new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(match[1]) ?? [null, ''])[1]);
      lines.push(`${field('Key')}\t${field('LastModified')}\t${field('Size')}\n`);
    }
    token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? decodeXml((/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(text) ?? [null, ''])[1]) : null;
  } while (token);
  process.stdout.write(lines.join(''));
}

async function s3Delete(options, credentials) {
  const url = s3Url(options, options.key);
  await signedRequest('s3-delete', credentials, { method: 'DELETE', url, region: options.region, service: 's3', payloadHash: EMPTY_HASH, body: () => null });
}

async function ssmGetParameter(options, credentials, env = process.env) {
  const url = new URL(options.endpoint || env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL || `https://ssm.${options.region}.amazonaws.com`);
  url.pathname = '/';
  const data = Buffer.from(JSON.stringify({ Name: options.name, WithDecryption: Boolean(options['with-decryption']) }));
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter', 'content-length': String(data.length) };
  const response = await signedRequest('ssm-get-parameter', credentials, { method: 'POST', url, region: options.region, service: 'ssm', headers, payloadHash: sha256(data), body: () => data });
  const value = JSON.parse(response.body.toString('utf8'))?.Parameter?.Value;
  if (typeof value !== 'string') {
    throw new RequestError('ssm-get-parameter: the answer holds no Parameter.Value');
  }
  process.stdout.write(value);
}

const HANDLERS = { 's3-put': s3Put, 's3-get': s3Get, 's3-list': s3List, 's3-delete': s3Delete, 'ssm-get-parameter': ssmGetParameter };

async function main() {
  try {
    const { command, options } = parseArguments(process.argv.slice(2));
    const credentials = await loadCredentials();
    await HANDLERS[command](options, credentials);
  } catch (error) {
    const failure = error instanceof RequestError ? error : new RequestError(String(error?.message ?? error));
    process.stderr.write(`aws-request: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}

await main();
