using System.CommandLine;
using System.Globalization;

namespace Lookbook.Cli;

/// <summary>Options every command accepts; each overrides the matching configuration key.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Database { get; } = new("--db")
    {
        Description = "The catalog database file (default: lookbook.db; config Lookbook:Storage:DatabasePath).",
        Recursive = true,
    };

    public Option<string?> Model { get; } = new("--model")
    {
        Description = "An ONNX image model to embed with instead of the packaged ResNet18 (config Lookbook:Embedding:ModelPath).",
        Recursive = true,
    };

    public Option<string[]> Layers { get; } = new("--layer")
    {
        Description = "A graph tensor to pool into the embedding; repeat for several (config Lookbook:Embedding:Layers).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int?> InputSize { get; } = new("--input-size")
    {
        Description = "Side of the square model input in pixels (config Lookbook:Embedding:Preprocessing:InputSize).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log what happens (to stderr).",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Database);
        command.Options.Add(Model);
        command.Options.Add(Layers);
        command.Options.Add(InputSize);
        command.Options.Add(Verbose);
    }

    /// <summary>The configuration keys the given options set.</summary>
    public Dictionary<string, string?> Overrides(ParseResult result)
    {
        // The web host logs at Information by default; the CLI stays quiet unless asked.
        var overrides = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = result.GetValue(Verbose) ? "Information" : "Warning" };
        if (result.GetValue(Database) is { } database)
        {
            overrides["Lookbook:Storage:DatabasePath"] = database;
        }

        if (result.GetValue(Model) is { } model)
        {
            overrides["Lookbook:Embedding:ModelPath"] = Path.GetFullPath(model);
        }

        if (result.GetValue(Layers) is { Length: > 0 } layers)
        {
            for (var i = 0; i < layers.Length; i++)
            {
                overrides[$"Lookbook:Embedding:Layers:{i}"] = layers[i];
            }
        }

        if (result.GetValue(InputSize) is { } size)
        {
            overrides["Lookbook:Embedding:Preprocessing:InputSize"] = size.ToString(CultureInfo.InvariantCulture);
        }

        return overrides;
    }
}
