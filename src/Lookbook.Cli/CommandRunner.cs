using System.CommandLine;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Options;

namespace Lookbook.Cli;

/// <summary>Runs a command body with its context and turns known failures into messages and exit codes.</summary>
internal static class CommandRunner
{
    /// <param name="requiresCatalog">
    /// The command reads an existing catalog: a database file that is not there is an error naming it
    /// (opening it would silently create an empty catalog, and "no products" would hide a wrong path).
    /// </param>
    public static void SetAction(this Command command, GlobalOptions global, Func<ParseResult, CliContext, CancellationToken, Task<int>> body, bool requiresCatalog = false) =>
        command.SetAction(global, body, _ => requiresCatalog);

    /// <param name="requiresCatalog">Whether this invocation reads an existing catalog (see the other overload).</param>
    public static void SetAction(this Command command, GlobalOptions global, Func<ParseResult, CliContext, CancellationToken, Task<int>> body, Func<ParseResult, bool> requiresCatalog) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var overrides = global.Overrides(result);
            CliContext context;
            try
            {
                context = new CliContext(overrides, result.GetValue(global.Verbose), output, error);
            }
            catch (InvalidDataException e) when (e.InnerException is FormatException broken)
            {
                // A settings file that is not JSON: say which file and where, not the configuration stack.
                await error.WriteLineAsync($"error: {ConfigurationErrors.NotJson(e, broken)}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            using var scope = context;
            try
            {
                // Options first (every problem of the configuration is reported before anything else), then the file.
                if (requiresCatalog(result) && context.Get<IOptions<StorageOptions>>().Value is { Provider: StorageProvider.Sqlite, DatabasePath: var path } && !File.Exists(path))
                {
                    var demo = File.Exists(DemoCatalog) && Path.GetFullPath(path) != Path.GetFullPath(DemoCatalog) ? $" (the demo's is --db {DemoCatalog})" : "";
                    Fail(context, $"No catalog at {Path.GetFullPath(path)}. Import one first (lookbook import folder|csv|fashion-mnist ...), or name an existing one with --db FILE{demo}.");
                    return ExitCodes.NotFound;
                }

                return await body(result, context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Fail(context, "Interrupted. Work committed so far is kept; run the same command again to continue.");
                return ExitCodes.Cancelled;
            }
            catch (EmbeddingMismatchException e)
            {
                Fail(context, e.Message);
                return ExitCodes.EmbeddingMismatch;
            }
            catch (OptionsValidationException e)
            {
                Fail(context, "The configuration is invalid: " + string.Join(" ", e.Failures));
                return ExitCodes.Failure;
            }
            catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OptionsValidationException))
            {
                // Several sections invalid at once: every problem, each with its key.
                Fail(context, "The configuration is invalid: " + string.Join(" ", e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(o => o.Failures).Distinct()));
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ProductNotFoundException)
            {
                Fail(context, e.Message);
                return ExitCodes.NotFound;
            }
            catch (InvalidDataException e) when (e.InnerException is FormatException broken)
            {
                Fail(context, ConfigurationErrors.NotJson(e, broken)); // a settings file that is not JSON (serve reads them again)
                return ExitCodes.Failure;
            }
            catch (System.Data.Common.DbException e)
            {
                // PostgreSQL down, wrong password, unknown database: the server's words, without the driver's stack.
                Fail(context, $"The catalog database could not be used: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (InvalidOperationException e) when (ConfigurationErrors.TryDescribeConversion(e, out var described))
            {
                Fail(context, described); // a setting of the wrong type, e.g. a word where a number or one of a few names belongs
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is ModelLoadException or ImageRejectedException or CatalogEmptyException or InvalidDataException or IOException or InvalidOperationException)
            {
                Fail(context, e.Message);
                return ExitCodes.Failure;
            }
            catch (ArgumentException e)
            {
                Fail(context, e.Message);
                return ExitCodes.InvalidUsage;
            }
            catch (Exception e)
            {
                // Not the user's input but a fault of ours: one line naming it instead of the runtime's stack trace
                // (which --verbose still prints, for the report). Committed work is kept as on any other failure.
                Fail(context, $"Lookbook stopped on an unexpected error ({e.GetType().Name}: {e.Message}). " +
                    "Please report it with the output of the same command run with --verbose.");
                if (result.GetValue(global.Verbose))
                {
                    await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
                }

                return ExitCodes.Failure;
            }
        });

    /// <summary>Where scripts/demo.sh keeps its catalog, relative to the checkout.</summary>
    private const string DemoCatalog = ".lookbook/demo.db";

    /// <summary>Writes the message to stderr as plain text, unwrapped, so scripts and logs keep it whole.</summary>
    public static void Fail(CliContext context, string message) =>
        context.ErrorWriter.WriteLine($"error: {message}");
}
