namespace Lookbook.Cli;

/// <summary>The process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An error stopped the command; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong (unknown option, missing argument, bad value).</summary>
    public const int InvalidUsage = 2;

    /// <summary>The import finished but skipped some entries (listed in the report); the good ones are stored.</summary>
    public const int CompletedWithSkips = 3;

    /// <summary>The catalog was indexed with another model configuration; run <c>lookbook reindex</c>.</summary>
    public const int EmbeddingMismatch = 4;

    /// <summary>A named file or product does not exist.</summary>
    public const int NotFound = 5;

    /// <summary>The command was interrupted (Ctrl+C); committed work is kept.</summary>
    public const int Cancelled = 130;
}
