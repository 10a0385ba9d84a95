namespace Lookbook.Catalog;

/// <summary>One item an import could not use, and why (sources report them, the store keeps them with the run).</summary>
public sealed record ImportIssue(string Item, string Problem, string Message);
