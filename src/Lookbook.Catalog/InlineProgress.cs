namespace Lookbook.Catalog;

/// <summary>Reports on the calling thread; <see cref="Progress{T}"/> would post to the thread pool and reorder updates.</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
