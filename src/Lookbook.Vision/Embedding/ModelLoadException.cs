namespace Lookbook.Vision.Embedding;

/// <summary>The configured model is missing, unreadable or unusable; the message says which and what to do.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
