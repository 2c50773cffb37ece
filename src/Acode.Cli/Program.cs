using Acode.Cli;

return await AcodeCommandLine.RunAsync(args);
