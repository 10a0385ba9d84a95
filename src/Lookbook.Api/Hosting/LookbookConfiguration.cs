namespace Lookbook.Api.Hosting;

/// <summary>
/// The one configuration pipeline of every command and of the server, in increasing precedence:
/// <c>appsettings.json</c> beside the program, <c>lookbook.json</c> in the working folder, environment variables
/// (<c>Lookbook__Storage__DatabasePath</c>; host settings also as <c>ASPNETCORE_URLS</c>), command-line
/// arguments (<c>--urls</c>), then the CLI's own options (<c>--db</c>, <c>--model</c>, ...).
/// </summary>
public static class LookbookConfiguration
{
    /// <summary>The settings file a user keeps beside their catalog (read from the working folder).</summary>
    public const string UserFile = "lookbook.json";

    public static IConfigurationBuilder AddLookbookSources(
        this IConfigurationBuilder builder, string[]? args = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        builder
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), UserFile), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables();
        if (args is { Length: > 0 })
        {
            builder.AddCommandLine(args);
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder;
    }

    /// <summary>The configuration as a command sees it.</summary>
    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder().AddLookbookSources(overrides: overrides).Build();
}
