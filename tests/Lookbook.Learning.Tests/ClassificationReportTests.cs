namespace Lookbook.Learning.Tests;

public sealed class ClassificationReportTests
{
    private static readonly string[] Classes = ["Bag", "Coat", "Dress"];

    [Fact]
    public void Scores_match_a_hand_computed_confusion_matrix()
    {
        // truth → predicted: Bag 3 (2 right, 1 as Coat), Coat 2 (1 right, 1 as Dress), Dress 1 (right)
        var report = ClassificationReport.From(Classes,
        [
            ("Bag", "Bag"), ("Bag", "Bag"), ("Bag", "Coat"),
            ("Coat", "Coat"), ("Coat", "Dress"),
            ("Dress", "Dress"),
        ]);

        Assert.Equal(4.0 / 6, report.Accuracy, 10);
        Assert.Equal([[2, 1, 0], [0, 1, 1], [0, 0, 1]], report.Confusion);
        var bag = report.PerClass[0];
        Assert.Equal((1.0, 2.0 / 3, 0.8, 3), (bag.Precision, bag.Recall, bag.F1, bag.Support));
        var coat = report.PerClass[1];
        Assert.Equal((0.5, 0.5, 0.5), (coat.Precision, coat.Recall, coat.F1));
        var dress = report.PerClass[2];
        Assert.Equal((0.5, 1.0), (dress.Precision, dress.Recall));
        Assert.Equal(2.0 / 3, dress.F1, 10);
        Assert.Equal((1.0 + 0.5 + 0.5) / 3, report.MacroPrecision, 10);
        Assert.Equal((0.8 + 0.5 + (2.0 / 3)) / 3, report.MacroF1, 10);
    }

    [Fact]
    public void A_class_absent_from_the_truth_is_left_out_of_the_macro_average()
    {
        var report = ClassificationReport.From(Classes, [("Bag", "Bag"), ("Coat", "Coat")]);

        Assert.Equal(0, report.PerClass[2].Support);
        Assert.Equal(0, report.PerClass[2].F1);
        Assert.Equal(1.0, report.MacroF1, 10);
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_not_NaN()
    {
        var report = ClassificationReport.From(Classes, [("Dress", "Bag")]);
        Assert.Equal(0, report.PerClass[2].Precision);
        Assert.Equal(0, report.PerClass[2].F1);
        Assert.Equal(0, report.Accuracy);
    }

    [Fact]
    public void No_pairs_give_zeros_and_unknown_classes_are_refused()
    {
        Assert.Equal(0, ClassificationReport.From(Classes, []).Accuracy);
        Assert.Throws<ArgumentException>(() => ClassificationReport.From(Classes, [("Hat", "Bag")]));
    }
}
