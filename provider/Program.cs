using ConvexInfra.Provider;

// Serves the convex-infra package (one resource: convex-infra:index:ConvexDeployment) over the provider protocol.
await ConvexInfraProvider.ServeAsync(args);
