namespace Lookbook.Engine.Evaluation;

/// <summary>Where the latest evaluation report of a catalog is kept (the web app serves it at /report).</summary>
public static class ReportFiles
{
    public static string HtmlFor(string databasePath) => databasePath + ".report.html";
}
