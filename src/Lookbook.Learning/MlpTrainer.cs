using System.Numerics.Tensors;

namespace Lookbook.Learning;

/// <summary>
/// Trains an <see cref="MlpHead"/> with mini-batch AdamW, dropout and early stopping on the validation
/// loss. Written on System.Numerics.Tensors because no trainer for small dense networks runs on this
/// platform (TorchSharp needs a newer libstdc++, ONNX Runtime training is not published, ML.NET trains
/// only linear and tree models). Deterministic for a seed: every random draw comes from generators
/// seeded by (seed, epoch, example), and gradients are summed in a fixed order.
/// </summary>
public static class MlpTrainer
{
    private const double Epsilon = 1e-7;

    public static TrainingResult Train(
        IReadOnlyList<string> classes,
        IReadOnlyList<float[]> trainFeatures,
        IReadOnlyList<int> trainLabels,
        IReadOnlyList<float[]> validationFeatures,
        IReadOnlyList<int> validationLabels,
        TrainingOptions options,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        if (trainFeatures.Count == 0 || trainFeatures.Count != trainLabels.Count || validationFeatures.Count != validationLabels.Count)
        {
            throw new ArgumentException("Training needs examples, and as many labels as feature vectors.");
        }

        // Standardised once: every network reads the same inputs, which is what lets MlpHead.Average join them.
        var (mean, scale) = Standardisation(trainFeatures, trainFeatures[0].Length);
        var examples = new Examples(classes, trainFeatures, trainLabels, validationFeatures, validationLabels, mean, scale);
        if (options.Members > 1)
        {
            // The same examples, other seeds (initialisation, order, dropout): the first member is the single network one seed gives.
            var members = Enumerable.Range(0, options.Members).Select(m => TrainOne(examples,
                options with { Seed = m == 0 ? options.Seed : Seeds.Mix(options.Seed, m, 53) }, m + 1, progress, cancellationToken)).ToList();
            return new TrainingResult(MlpHead.Average([.. members.Select(m => m.Head)]), members[0].BestEpoch, members[0].History)
            {
                MemberBestEpochs = [.. members.Select(m => m.BestEpoch)],
            };
        }

        return TrainOne(examples, options, 1, progress, cancellationToken);
    }

    private sealed record Examples(
        IReadOnlyList<string> Classes, IReadOnlyList<float[]> TrainFeatures, IReadOnlyList<int> TrainLabels,
        IReadOnlyList<float[]> ValidationFeatures, IReadOnlyList<int> ValidationLabels, float[] Mean, float[] Scale);

    private static TrainingResult TrainOne(Examples examples, TrainingOptions options, int member, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        var (classes, trainFeatures, trainLabels, validationFeatures, validationLabels, mean, scale) = examples;
        var inputSize = mean.Length;
        var state = new Parameters(classes.Count, inputSize, options.HiddenSize, options.Seed);
        var optimizer = new Adam(state.Count);
        var history = new List<EpochReport>();
        var best = (Loss: double.MaxValue, Epoch: 0, Weights: state.Copy());
        var order = Enumerable.Range(0, trainFeatures.Count).ToArray();
        var learningRate = options.LearningRate;
        var lastDecay = 0;

        for (var epoch = 1; epoch <= options.MaxEpochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            new Random(Seeds.Mix(options.Seed, epoch)).Shuffle(order);
            double trainLoss = 0;
            foreach (var batch in order.Chunk(options.BatchSize))
            {
                var gradient = new float[state.Count];
                trainLoss += Gradient(state, mean, scale, trainFeatures, trainLabels, batch, options, epoch, gradient);
                TensorPrimitives.Divide(gradient, batch.Length, gradient);
                var values = state.Values;
                optimizer.Step(values, gradient, learningRate, i => state.IsWeight(i) ? learningRate * options.WeightDecay * values[i] : 0f);
            }

            var head = state.ToHead(classes, mean, scale);
            var (validationLoss, validationAccuracy) = Evaluate(head, validationFeatures, validationLabels);
            var report = new EpochReport(epoch, trainLoss / trainFeatures.Count, validationLoss, validationAccuracy, member);
            history.Add(report);
            progress?.Report(report);
            if (validationLoss < best.Loss - 1e-5)
            {
                best = (validationLoss, epoch, state.Copy());
            }
            else if (epoch - best.Epoch >= options.Patience)
            {
                break;
            }
            else if (options.DecayPatience > 0 && epoch - Math.Max(best.Epoch, lastDecay) >= options.DecayPatience)
            {
                learningRate *= 0.5f;
                lastDecay = epoch;
            }
        }

        return new TrainingResult(best.Weights.ToHead(classes, mean, scale), best.Epoch, history);
    }

    /// <summary>Mean cross-entropy and accuracy of a head on labelled features.</summary>
    public static (double Loss, double Accuracy) Evaluate(MlpHead head, IReadOnlyList<float[]> features, IReadOnlyList<int> labels)
    {
        if (features.Count == 0)
        {
            return (0, 0);
        }

        double loss = 0;
        var correct = 0;
        for (var i = 0; i < features.Count; i++)
        {
            var probabilities = head.Predict(features[i]);
            loss -= Math.Log(probabilities[labels[i]] + Epsilon);
            correct += TensorPrimitives.IndexOfMax(probabilities) == labels[i] ? 1 : 0;
        }

        return (loss / features.Count, (double)correct / features.Count);
    }

    private static (float[] Mean, float[] Scale) Standardisation(IReadOnlyList<float[]> features, int inputSize)
    {
        var mean = new float[inputSize];
        foreach (var f in features)
        {
            TensorPrimitives.Add(mean, f, mean);
        }

        TensorPrimitives.Divide(mean, features.Count, mean);
        var variance = new double[inputSize];
        foreach (var f in features)
        {
            for (var d = 0; d < inputSize; d++)
            {
                var centred = f[d] - mean[d];
                variance[d] += centred * centred;
            }
        }

        // A constant feature gets scale 1 rather than a division by zero.
        var scale = variance.Select(v => Math.Sqrt(v / features.Count) is var sd && sd > 1e-6 ? (float)(1 / sd) : 1f).ToArray();
        return (mean, scale);
    }

    /// <summary>
    /// Adds the summed cross-entropy gradient of a batch into <paramref name="gradient"/>; returns the summed loss.
    /// The batch is split into fixed slices computed in parallel and added in slice order (deterministic).
    /// </summary>
    private static double Gradient(Parameters state, float[] mean, float[] scale, IReadOnlyList<float[]> features, IReadOnlyList<int> labels,
        int[] batch, TrainingOptions options, int epoch, float[] gradient)
    {
        var slices = Math.Max(1, Math.Min(Environment.ProcessorCount, batch.Length / 16));
        var partial = new float[slices][];
        var losses = new double[slices];
        Parallel.For(0, slices, slice =>
        {
            var local = new float[state.Count];
            var hidden = new float[state.Hidden];
            var preActivation = new float[state.Hidden];
            var keep = new float[state.Hidden];
            var standardised = new float[state.Input];
            var probabilities = new float[state.Classes];
            var hiddenGradient = new float[state.Hidden];
            for (var n = slice; n < batch.Length; n += slices)
            {
                var example = batch[n];
                var random = new Random(Seeds.Mix(options.Seed, epoch, example));
                TensorPrimitives.Subtract(features[example], mean, standardised);
                TensorPrimitives.Multiply(standardised, scale, standardised);
                for (var j = 0; j < state.Hidden; j++)
                {
                    preActivation[j] = DeterministicMath.Dot(state.W1Row(j), standardised) + state.Values[state.B1 + j];
                    keep[j] = random.NextSingle() >= options.Dropout ? 1f / (1 - options.Dropout) : 0f;
                    hidden[j] = Math.Max(0, preActivation[j]) * keep[j];
                }

                for (var c = 0; c < state.Classes; c++)
                {
                    probabilities[c] = DeterministicMath.Dot(state.W2Row(c), hidden) + state.Values[state.B2 + c];
                }

                TensorPrimitives.SoftMax(probabilities, probabilities);
                losses[slice] -= Math.Log(probabilities[labels[example]] + Epsilon);

                // Backward: d(loss)/d(logits) = p - onehot(y).
                probabilities[labels[example]] -= 1;
                Array.Clear(hiddenGradient);
                for (var c = 0; c < state.Classes; c++)
                {
                    var delta = probabilities[c];
                    TensorPrimitives.MultiplyAdd(hidden, delta, local.AsSpan(state.W2 + (c * state.Hidden), state.Hidden), local.AsSpan(state.W2 + (c * state.Hidden), state.Hidden));
                    local[state.B2 + c] += delta;
                    TensorPrimitives.MultiplyAdd(state.W2Row(c), delta, hiddenGradient, hiddenGradient);
                }

                for (var j = 0; j < state.Hidden; j++)
                {
                    var delta = preActivation[j] > 0 ? hiddenGradient[j] * keep[j] : 0f;
                    if (delta != 0)
                    {
                        var row = local.AsSpan(Parameters.W1 + (j * state.Input), state.Input);
                        TensorPrimitives.MultiplyAdd(standardised, delta, row, row);
                        local[state.B1 + j] += delta;
                    }
                }
            }

            partial[slice] = local;
        });

        foreach (var local in partial)
        {
            TensorPrimitives.Add(gradient, local, gradient);
        }

        return losses.Sum();
    }

    /// <summary>All weights in one flat array: W1 [hidden, input], b1, W2 [classes, hidden], b2.</summary>
    private sealed class Parameters
    {
        public Parameters(int classes, int input, int hidden, int seed)
            : this(classes, input, hidden, new float[(hidden * input) + hidden + (classes * hidden) + classes])
        {
            // He initialisation for the ReLU layer, Glorot for the softmax layer; biases start at zero.
            var random = new Random(seed);
            var heScale = MathF.Sqrt(2f / input);
            var glorotScale = MathF.Sqrt(2f / (hidden + classes));
            for (var i = 0; i < hidden * input; i++)
            {
                Values[W1 + i] = Gaussian(random) * heScale;
            }

            for (var i = 0; i < classes * hidden; i++)
            {
                Values[W2 + i] = Gaussian(random) * glorotScale;
            }
        }

        private Parameters(int classes, int input, int hidden, float[] values)
        {
            (Classes, Input, Hidden, Values) = (classes, input, hidden, values);
        }

        public int Classes { get; }

        public int Input { get; }

        public int Hidden { get; }

        public float[] Values { get; }

        public int Count => Values.Length;

        public const int W1 = 0;

        public int B1 => Hidden * Input;

        public int W2 => B1 + Hidden;

        public int B2 => W2 + (Classes * Hidden);

        /// <summary>Which entries are weights (decayed) rather than biases.</summary>
        public bool IsWeight(int index) => index < B1 || (index >= W2 && index < B2);

        public ReadOnlySpan<float> W1Row(int j) => Values.AsSpan(W1 + (j * Input), Input);

        public ReadOnlySpan<float> W2Row(int c) => Values.AsSpan(W2 + (c * Hidden), Hidden);

        public Parameters Copy() => new(Classes, Input, Hidden, (float[])Values.Clone());

        public MlpHead ToHead(IReadOnlyList<string> classes, float[] mean, float[] scale) => new(
            classes, Input, Hidden, mean, scale,
            Values[W1..B1], Values[B1..W2], Values[W2..B2], Values[B2..]);

        private static float Gaussian(Random random)
        {
            // Box–Muller.
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }
}
