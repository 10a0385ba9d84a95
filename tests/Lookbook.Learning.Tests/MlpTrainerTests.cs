namespace Lookbook.Learning.Tests;

public sealed class MlpTrainerTests
{
    private static readonly string[] Classes = ["ring", "core", "left"];

    /// <summary>Three classes no straight line separates: a ring around a core, and a blob on the left.</summary>
    private static (List<float[]> X, List<int> Y) Data(int perClass, int seed)
    {
        var random = new Random(seed);
        var x = new List<float[]>();
        var y = new List<int>();
        for (var i = 0; i < perClass; i++)
        {
            var angle = random.NextDouble() * 2 * Math.PI;
            x.Add([(float)(2 * Math.Cos(angle)) + Noise(random), (float)(2 * Math.Sin(angle)) + Noise(random), Noise(random)]);
            y.Add(0);
            x.Add([Noise(random), Noise(random), Noise(random)]);
            y.Add(1);
            x.Add([-4 + Noise(random), 4 + Noise(random), Noise(random)]);
            y.Add(2);
        }

        return (x, y);
    }

    private static float Noise(Random random) => (random.NextSingle() - 0.5f) * 0.6f;

    private static TrainingResult Train(int seed = 7, int maxEpochs = 40, int members = 1, int trainingSeed = 1)
    {
        var (x, y) = Data(150, trainingSeed);
        var (vx, vy) = Data(40, 2);
        return MlpTrainer.Train(Classes, x, y, vx, vy, new TrainingOptions(HiddenSize: 32, MaxEpochs: maxEpochs, BatchSize: 32, LearningRate: 0.01f, Seed: seed, Members: members));
    }

    [Fact]
    public void A_non_linear_problem_is_learned_far_above_chance()
    {
        var result = Train();
        var (tx, ty) = Data(100, 3);

        var (_, accuracy) = MlpTrainer.Evaluate(result.Head, tx, ty);

        Assert.True(accuracy > 0.95, $"accuracy {accuracy:P1} (chance is 33%)");
        Assert.Equal("core", result.Head.Classify([0.05f, -0.1f, 0f]).Class);
        Assert.Equal(1f, result.Head.Predict([2f, 0f, 0f]).Sum(), 4);
    }

    [Fact]
    public void The_same_seed_gives_the_same_head_bit_for_bit()
    {
        var first = Train(seed: 11).Head;
        var second = Train(seed: 11).Head;
        var other = Train(seed: 12).Head;
        float[] probe = [1.3f, -0.7f, 0.2f];

        Assert.Equal(first.Predict(probe), second.Predict(probe));
        Assert.Equal(first.Embed(probe), second.Embed(probe));
        Assert.NotEqual(first.Embed(probe), other.Embed(probe));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_and_stops_after_the_patience()
    {
        var result = Train(maxEpochs: 200);

        var best = result.History.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(best.Epoch, result.BestEpoch);
        Assert.True(result.History.Count < 200, "training should stop early");
        Assert.Equal(result.BestEpoch + 6, result.History.Count); // default patience
    }

    [Fact]
    public void A_saved_head_loads_with_the_same_predictions()
    {
        var head = Train().Head;
        var trained = new TrainedHead(head, "fingerprint", RetrievalSpace.Hidden, 0.1f, 0.8f,
            new HeadMetrics(0.9, 0.9, 0.8, 0.85, 450, 120, 1, 10, 1.5), new TrainingOptions(), DateTimeOffset.UnixEpoch);
        var projection = ProjectionTrainer.Train(
            [new ProjectionPair(0, [1f, 0f, 0f], [1f, 1f, 0f]), new ProjectionPair(1, [0f, 0f, 1f], [0f, 1f, 1f])],
            new ProjectionOptions(HiddenSize: 4, MaxEpochs: 2, BatchSize: 2), p => p.Apply([1f, 1f, 0f])[0]).Projection;
        var path = Path.Combine(Path.GetTempPath(), $"head-{Guid.NewGuid():N}.json");
        try
        {
            trained.Save(path);
            var loaded = TrainedHead.Load(path)!;

            Assert.Equal(head.Predict([1f, 2f, 3f]), loaded.Head.Predict([1f, 2f, 3f]));
            Assert.Equal((RetrievalSpace.Hidden, 0.8f, "fingerprint"), (loaded.RetrievalSpace, loaded.NoMatchThreshold, loaded.EmbeddingFingerprint));
            Assert.Equal(trained.Metrics, loaded.Metrics);
            Assert.Null(loaded.Projection);

            (trained with { RetrievalSpace = RetrievalSpace.Projected, Projection = projection }).Save(path);
            var projected = TrainedHead.Load(path)!;
            Assert.Equal(RetrievalSpace.Projected, projected.RetrievalSpace);
            Assert.Equal(projection.Apply([0.5f, 2f, -1f]), projected.ToSearchSpace([0.5f, 2f, -1f]));
            Assert.Equal(3, projected.SearchDimension);
            Assert.Null(projected.Objectness);

            var objectness = new Lookbook.Learning.Localization.ObjectnessModel(2, [0.5f, -1f, 2f], 0.25f);
            (trained with { Objectness = objectness }).Save(path);
            var located = TrainedHead.Load(path)!.Objectness!;
            Assert.Equal((objectness.Channels, objectness.Bias), (located.Channels, located.Bias));
            Assert.Equal(objectness.Weights, located.Weights);

            (trained with { RetrievalSpace = RetrievalSpace.Projected }).Save(path);
            Assert.Contains("projection is missing", Assert.Throws<InvalidDataException>(() => TrainedHead.Load(path)).Message);
            Assert.Null(TrainedHead.Load(path + ".missing"));
            File.WriteAllText(path, "{ not json");
            Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => TrainedHead.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Averaged_networks_are_one_head_whose_probabilities_are_the_members_geometric_mean()
    {
        var members = new[] { 7, 8, 9 }.Select(seed => Train(seed).Head).ToList();
        var average = MlpHead.Average(members);
        var (tx, ty) = Data(60, 3);

        Assert.Equal(3 * 32, average.HiddenSize);
        for (var n = 0; n < tx.Count; n++)
        {
            var each = members.Select(m => m.Predict(tx[n])).ToList();
            var geometric = Enumerable.Range(0, Classes.Length).Select(c => Math.Exp(each.Average(p => Math.Log(p[c])))).ToList();
            var expected = geometric.Select(g => g / geometric.Sum()).ToList();
            var actual = average.Predict(tx[n]);
            for (var c = 0; c < Classes.Length; c++)
            {
                Assert.Equal(expected[c], actual[c], 4);
            }

            // A geometric mean's cross-entropy is never above the members' mean: averaging cannot cost confidence in the truth.
            Assert.True(-Math.Log(actual[ty[n]]) <= each.Average(p => -Math.Log(p[ty[n]])) + 1e-4);
        }

        Assert.Same(members[0], MlpHead.Average([members[0]]));
        var otherData = Train(seed: 7, trainingSeed: 5).Head; // other examples, so another standardisation
        Assert.Throws<ArgumentException>(() => MlpHead.Average([members[0], otherData]));
    }

    [Fact]
    public void Training_several_networks_keeps_the_first_as_one_seed_gives_it_and_averages_them()
    {
        var single = Train(seed: 11);
        var ensemble = Train(seed: 11, members: 3);
        var again = Train(seed: 11, members: 3);
        float[] probe = [1.3f, -0.7f, 0.2f];

        Assert.Equal(3, ensemble.MemberBestEpochs.Count);
        Assert.Equal(single.BestEpoch, ensemble.MemberBestEpochs[0]);
        Assert.Equal(single.History, ensemble.History);
        // The first network's hidden units lead the averaged head's hidden layer, unchanged.
        var firstBlock = ensemble.Head.Embed(probe)[..32];
        var norm = MathF.Sqrt(firstBlock.Sum(v => v * v));
        var expected = single.Head.Embed(probe);
        for (var j = 0; j < 32; j++)
        {
            Assert.Equal(expected[j], firstBlock[j] / norm, 5);
        }

        Assert.NotEqual(single.Head.Predict(probe), ensemble.Head.Predict(probe));
        Assert.Equal(ensemble.Head.Predict(probe), again.Head.Predict(probe));
        Assert.True(MlpTrainer.Evaluate(ensemble.Head, Data(60, 3).X, Data(60, 3).Y).Accuracy > 0.95);
    }

    [Fact]
    public void Bad_options_and_data_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MlpTrainer.Train(Classes, [[1f]], [0], [], [], new TrainingOptions(Members: 0)));
        Assert.Throws<ArgumentException>(() => MlpTrainer.Train(Classes, [[1f]], [0], [], [], new TrainingOptions(Dropout: 1f)));
        Assert.Throws<ArgumentException>(() => MlpTrainer.Train(Classes, [], [], [], [], new TrainingOptions()));
    }
}
