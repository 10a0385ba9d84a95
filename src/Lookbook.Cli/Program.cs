using Lookbook.Cli;

return await LookbookCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
