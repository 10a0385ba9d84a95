namespace Lookbook.Learning;

/// <summary>Precision, recall and F1 of one class.</summary>
/// <param name="Support">How many evaluated items truly belong to the class.</param>
public sealed record ClassScores(string Class, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Classification quality from (true, predicted) pairs: accuracy, per-class and macro scores, and the
/// confusion matrix (rows = true class, columns = predicted class, in <see cref="Classes"/> order).
/// A class never predicted has precision 0; a class absent from the truth has recall 0 and support 0 and
/// is left out of the macro average, so an empty class cannot drag it down or up.
/// </summary>
public sealed record ClassificationReport(
    IReadOnlyList<string> Classes,
    double Accuracy,
    IReadOnlyList<ClassScores> PerClass,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    int[][] Confusion)
{
    public static ClassificationReport From(IReadOnlyList<string> classes, IReadOnlyList<(string Truth, string Predicted)> pairs)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var confusion = classes.Select(_ => new int[classes.Count]).ToArray();
        foreach (var (truth, predicted) in pairs)
        {
            if (!index.TryGetValue(truth, out var row) || !index.TryGetValue(predicted, out var column))
            {
                throw new ArgumentException($"'{truth}' → '{predicted}' names a class outside the report's classes.", nameof(pairs));
            }

            confusion[row][column]++;
        }

        var perClass = new List<ClassScores>(classes.Count);
        for (var c = 0; c < classes.Count; c++)
        {
            var truePositives = confusion[c][c];
            var predictedAs = confusion.Sum(r => r[c]);
            var support = confusion[c].Sum();
            var precision = predictedAs == 0 ? 0 : (double)truePositives / predictedAs;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassScores(classes[c], precision, recall, f1, support));
        }

        var present = perClass.Where(p => p.Support > 0).ToList();
        double Macro(Func<ClassScores, double> score) => present.Count == 0 ? 0 : present.Average(score);
        var correct = Enumerable.Range(0, classes.Count).Sum(c => confusion[c][c]);
        return new ClassificationReport(
            classes,
            pairs.Count == 0 ? 0 : (double)correct / pairs.Count,
            perClass,
            Macro(p => p.Precision),
            Macro(p => p.Recall),
            Macro(p => p.F1),
            confusion);
    }
}
