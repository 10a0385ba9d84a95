using System.Globalization;
using System.Net;
using System.Text;
using Lookbook.Learning;
using ScottPlot;

namespace Lookbook.Evaluation;

/// <summary>
/// A self-contained HTML page of an evaluation: the figures as tables, and plots drawn with ScottPlot
/// (confusion-matrix heatmap, per-class F1, precision@k) inlined as PNG, so the file can be mailed or
/// served as it is.
/// </summary>
public static class HtmlReport
{
    private static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    static HtmlReport()
    {
        // Skia's dependency-free Linux build cannot ask fontconfig for fonts: hand ScottPlot a file.
        if (FontFiles.FirstOrDefault(File.Exists) is { } font)
        {
            Fonts.AddFontFile("Report Sans", font);
            Fonts.Default = "Report Sans";
        }
    }

    public static string Render(EvaluationReport report)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Lookbook evaluation</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem 1.25rem;color:#1d1d1f}")
            .Append("table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #d9d9de;padding:.3rem .6rem;text-align:right}")
            .Append("th:first-child,td:first-child{text-align:left}img{max-width:100%;height:auto;border:1px solid #eee}.muted{color:#6e6e73}")
            .Append("</style></head><body>");
        html.Append("<h1>Lookbook evaluation</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>{Encode(report.Setup)}.</p>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Model: {Encode(report.Model)}<br>Head: {Encode(report.Head ?? "none (run lookbook train)")}<br>")
            .Append(CultureInfo.InvariantCulture, $"{report.Queries:N0} queries, {report.GallerySize:N0} catalog products; relevant = same category. {report.CreatedAt:yyyy-MM-dd HH:mm} UTC.</p>");

        if (report.Classification is { } c)
        {
            html.Append("<h2>Classification</h2><table><tr><th>accuracy</th><th>macro precision</th><th>macro recall</th><th>macro F1</th></tr>")
                .Append(CultureInfo.InvariantCulture, $"<tr><td>{c.Accuracy:F4}</td><td>{c.MacroPrecision:F4}</td><td>{c.MacroRecall:F4}</td><td>{c.MacroF1:F4}</td></tr></table>")
                .Append("<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
            foreach (var s in c.PerClass)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(s.Class)}</td><td>{s.Precision:F3}</td><td>{s.Recall:F3}</td><td>{s.F1:F3}</td><td>{s.Support:N0}</td></tr>");
            }

            html.Append("</table>")
                .Append(Image("Confusion matrix (rows: true class, columns: predicted)", ConfusionPlot(c)))
                .Append(Image("F1 per class", F1Plot(c)));
        }

        html.Append("<h2>Retrieval</h2><table><tr><th>k</th><th>precision@k</th><th>recall@k</th><th>mAP@k</th><th>NDCG@k</th></tr>");
        foreach (var r in report.Retrieval)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.K}</td><td>{r.PrecisionAtK:F4}</td><td>{r.RecallAtK:F4}</td><td>{r.MapAtK:F4}</td><td>{r.NdcgAtK:F4}</td></tr>");
        }

        html.Append("</table>").Append(Image("Precision@k and mAP@k", PrecisionPlot(report)));
        if (report.Facets.Count > 0)
        {
            html.Append("<h3>By attribute (relevant = same value)</h3><table><tr><th>attribute</th><th>precision@10</th><th>mAP@10</th><th>predicted right</th><th>shown (right when shown)</th></tr>");
            foreach (var f in report.Facets)
            {
                var colour = report.ColourPrediction is { } predicted && predicted.Attribute == f.Attribute ? predicted : null;
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(f.Attribute)}</td><td>{f.PrecisionAtK:F4}</td><td>{f.MapAtK:F4}</td>")
                    .Append(colour is null ? "<td></td><td></td>" : string.Create(CultureInfo.InvariantCulture, $"<td>{colour.Accuracy:P1}</td><td>{colour.ShownShare:P1} ({colour.ShownAccuracy:P1})</td>"))
                    .Append("</tr>");
            }

            html.Append("</table>");
        }

        if (report.Head is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>The no-good-match threshold would turn away {report.NoGoodMatchRate:P2} of these genuine queries (it is calibrated to 1%).</p>");
        }

        if (report.ShopperPhotos is { } shopper)
        {
            html.Append("<h2>Shopper photos</h2>")
                .Append(CultureInfo.InvariantCulture, $"<p>{Encode(shopper.Setup)}. Ranks as if no threshold applied; “no good match” as served.</p>")
                .Append("<table><tr><th>strength</th><th>photos</th><th>recall@1</th><th>recall@10</th><th>MRR@10</th><th>category precision@10</th><th>“no good match”</th><th>of which no product seen</th></tr>");
            foreach (var r in shopper.Strengths)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{r.Name}</td><td>{r.Photos:N0}</td><td>{r.RecallAt1:F3}</td><td>{r.RecallAt10:F3}</td><td>{r.MrrAt10:F3}</td><td>{r.CategoryPrecisionAt10:F3}</td><td>{r.NoGoodMatchRate:P1}</td><td>{r.NoProductRate:P1}</td></tr>");
            }

            html.Append("</table>").Append(shopper.UnrelatedNoGoodMatchRate is { } unrelated
                ? string.Create(CultureInfo.InvariantCulture, $"<p>Images of no product ({shopper.UnrelatedImages:N0}: textures, scenes, noise) answered “no good match”: {unrelated:P1}.</p>")
                : "<p class=\"muted\">Images of no product: no threshold without a trained head (run lookbook train).</p>");
            if (shopper.Outfits is { } outfits)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<p>Shop the look ({outfits.Photos:N0} photos of two products side by side, each detected item searched): both items found on {outfits.ItemsFound:P1} of the photos; {outfits.ProductRecallAt10:P1} of their products in the first ten results of one of the items.</p>");
            }
        }

        if (report.TransformedQueries is { } changed)
        {
            html.Append("<h2>Changed queries</h2>")
                .Append(CultureInfo.InvariantCulture, $"<p>{Encode(changed.Setup)}. As served: “no good match” scores 0.</p>")
                .Append("<table><tr><th>query</th><th>queries</th><th>category precision@10</th><th>“no good match”</th></tr>");
            foreach (var r in changed.Transforms)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.Transform}</td><td>{r.Queries:N0}</td><td>{r.PrecisionAt10:F3}</td><td>{r.NoGoodMatchRate:P1}</td></tr>");
            }

            html.Append("</table>");
        }

        var t = report.Timings;
        html.Append("<h2>Timings</h2><table><tr><th>total</th><th>embedding per query</th><th>search per query</th></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>{t.TotalSeconds:F1} s</td><td>{t.EmbedMsPerQuery:F2} ms</td><td>{t.SearchMsPerQuery:F2} ms</td></tr></table>")
            .Append("</body></html>");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Image(string title, byte[] png) =>
        $"<h3>{Encode(title)}</h3><img alt=\"{Encode(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">";

    private static byte[] ConfusionPlot(ClassificationReport c)
    {
        var n = c.Classes.Count;
        var data = new double[n, n];
        for (var row = 0; row < n; row++)
        {
            var total = Math.Max(1, c.Confusion[row].Sum());
            for (var column = 0; column < n; column++)
            {
                data[row, column] = (double)c.Confusion[row][column] / total; // share of the true class
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. c.Classes]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.Select(p => n - 1 - p).ToArray(), [.. c.Classes]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.XLabel("predicted");
        plot.YLabel("true");
        return plot.GetImageBytes(760, 640, ImageFormat.Png);
    }

    private static byte[] F1Plot(ClassificationReport c)
    {
        var plot = new Plot();
        plot.Add.Bars(c.PerClass.Select(s => s.F1).ToArray());
        var positions = Enumerable.Range(0, c.Classes.Count).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. c.Classes]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.SetLimitsY(0, 1);
        plot.YLabel("F1");
        return plot.GetImageBytes(760, 420, ImageFormat.Png);
    }

    private static byte[] PrecisionPlot(EvaluationReport report)
    {
        var plot = new Plot();
        var ks = report.Retrieval.Select(r => (double)r.K).ToArray();
        plot.Add.Scatter(ks, report.Retrieval.Select(r => r.PrecisionAtK).ToArray()).LegendText = "precision@k";
        plot.Add.Scatter(ks, report.Retrieval.Select(r => r.MapAtK).ToArray()).LegendText = "mAP@k";
        plot.Add.Scatter(ks, report.Retrieval.Select(r => r.NdcgAtK).ToArray()).LegendText = "NDCG@k";
        plot.ShowLegend();
        plot.Axes.SetLimitsY(0, 1);
        plot.XLabel("k");
        return plot.GetImageBytes(760, 420, ImageFormat.Png);
    }
}
