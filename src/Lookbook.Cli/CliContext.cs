using Lookbook.Api.Hosting;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lookbook.Cli;

/// <summary>
/// What a command needs: configuration (appsettings.json beside the program, lookbook.json in the
/// working folder, environment variables, then command-line overrides), services, and the consoles.
/// </summary>
internal sealed class CliContext : IDisposable
{
    private readonly Lazy<ServiceProvider> _services;

    public CliContext(IReadOnlyDictionary<string, string?> overrides, bool verbose, TextWriter output, TextWriter error)
    {
        Out = CreateConsole(output);
        Error = CreateConsole(error);
        ErrorWriter = error;
        Overrides = overrides;
        Configuration = LookbookConfiguration.Build(overrides);
        _services = new Lazy<ServiceProvider>(() =>
        {
            var services = new ServiceCollection()
                .AddLogging(logging => logging
                    .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
                    .AddSimpleConsole(o => o.SingleLine = true)
                    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
                .AddLookbook(Configuration)
                .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            // What a host does at start: every options class checked, all problems reported at once.
            services.GetService<IStartupValidator>()?.Validate();
            return services;
        });
    }

    /// <summary>The configuration: files, environment, then this command's options.</summary>
    public IConfigurationRoot Configuration { get; }

    /// <summary>The keys this command's options set (the server gets them too).</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    public TextWriter ErrorWriter { get; }

    /// <summary>Whether the configured catalog already holds vectors (before any service is started).</summary>
    public bool CatalogIsIndexed()
    {
        var storage = Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        return InputSizeAdvisor.ForCatalog(storage) is not null;
    }

    public T Get<T>()
        where T : notnull => _services.Value.GetRequiredService<T>();

    public void Dispose()
    {
        if (_services.IsValueCreated)
        {
            _services.Value.Dispose();
        }
    }

    private static IAnsiConsole CreateConsole(TextWriter writer)
    {
        var isTerminal = ReferenceEquals(writer, Console.Out) ? !Console.IsOutputRedirected
            : ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            // Redirected output is read by programs and people with wide windows: don't wrap at 80.
            console.Profile.Width = 200;
        }

        return console;
    }
}
