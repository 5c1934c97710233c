using Pulumi;
using Docker = Pulumi.Docker;

// The app team's stack: no ConvexInfra code at all, only the Convex stack's outputs through a StackReference.
// apiUrl and siteUrl are plain; adminKey stays a secret output all the way into the container's environment.
return await Deployment.RunAsync(() =>
{
    var convex = new StackReference(new Config().Require("convexStack"));
    var apiUrl = convex.RequireOutput("apiUrl").Apply(v => (string)v);
    var siteUrl = convex.RequireOutput("siteUrl").Apply(v => (string)v);
    var adminKey = Output.CreateSecret(convex.RequireOutput("adminKey").Apply(v => (string)v));

    var image = new Docker.RemoteImage("web", new Docker.RemoteImageArgs { Name = "ghcr.io/acme/web:1.4.2" });
    _ = new Docker.Container("web", new Docker.ContainerArgs
    {
        Image = image.ImageId,
        Envs =
        {
            apiUrl.Apply(url => $"VITE_CONVEX_URL={url}"),
            siteUrl.Apply(url => $"CONVEX_SITE_URL={url}"),
            // Only for a server-side job that deploys functions or manages env; never ship it to a browser.
            adminKey.Apply(key => $"CONVEX_SELF_HOSTED_ADMIN_KEY={key}"),
        },
    });

    return new Dictionary<string, object?> { ["convexUrl"] = apiUrl };
});
