using ConvexInfra;
using Pulumi;

return await Deployment.RunAsync(() => ConvexProgram.RunAsync());
