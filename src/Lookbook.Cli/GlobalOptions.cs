using System.CommandLine;
using System.Globalization;
using Lookbook.Index;
using Lookbook.Vision.Embedding;

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

    public Option<ModelPrecision?> Precision { get; } = new("--precision")
    {
        Description = "Float32 or Int8: int8 runs the backbone's convolutions in 8-bit integers, calibrated by `lookbook quantize` (config Lookbook:Embedding:Precision).",
        Recursive = true,
    };

    public Option<IndexKind?> Index { get; } = new("--index")
    {
        Description = "Auto (exact below Lookbook:Index:ApproximateAbove products, HNSW from there), Exact or Approximate (config Lookbook:Index:Kind).",
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
        command.Options.Add(Precision);
        command.Options.Add(Index);
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

        if (result.GetValue(Precision) is { } precision)
        {
            overrides["Lookbook:Embedding:Precision"] = precision.ToString();
        }

        if (result.GetValue(Index) is { } index)
        {
            overrides["Lookbook:Index:Kind"] = index.ToString();
        }

        return overrides;
    }
}
