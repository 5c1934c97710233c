using ConvexInfra.Cli;

return await CliApp.RunAsync(args, CliConsole.System());
