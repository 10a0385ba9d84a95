using System.Numerics.Tensors;

namespace Lookbook.Learning;

/// <summary>How <see cref="ProjectionTrainer"/> trains.</summary>
/// <param name="Temperature">Softmax temperature of the contrastive loss (smaller: harder negatives).</param>
/// <param name="BatchSize">Products per batch; every other product in the batch is a negative.</param>
/// <param name="IdentityDecay">Pull of the linear map towards the identity, and of the hidden layer towards nothing (keeps what the backbone knew).</param>
/// <param name="HiddenSize">Width of the residual hidden layer (0: a linear map only).</param>
public sealed record ProjectionOptions(
    float Temperature = 0.05f,
    int BatchSize = 256,
    int MaxEpochs = 80,
    int Patience = 10,
    float LearningRate = 1e-3f,
    float IdentityDecay = 1e-4f,
    int HiddenSize = 512,
    int Seed = 42)
{
    public IEnumerable<string> Validate()
    {
        if (Temperature is <= 0 or > 1)
        {
            yield return "Temperature must be in (0, 1].";
        }

        if (BatchSize < 2)
        {
            yield return "BatchSize must be at least 2 (other products in a batch are the negatives).";
        }

        if (MaxEpochs < 0 || Patience < 1)
        {
            yield return "MaxEpochs must not be negative (0: no projection) and Patience must be at least 1.";
        }

        if (HiddenSize < 0)
        {
            yield return "HiddenSize must not be negative (0: a linear map only).";
        }

        if (LearningRate is <= 0 or > 1 || IdentityDecay < 0)
        {
            yield return "LearningRate must be in (0, 1] and IdentityDecay not negative.";
        }
    }
}

/// <summary>A product's catalog vector and a vector of one of its shopper photos.</summary>
public readonly record struct ProjectionPair(int Product, float[] Catalog, float[] Shopper);

/// <summary>What a projection training run did.</summary>
public sealed record ProjectionTrainingResult(ShopperProjection Projection, int BestEpoch, double BestScore, double InitialScore, IReadOnlyList<double> Scores);

/// <summary>
/// Learns a <see cref="ShopperProjection"/> with a symmetric InfoNCE loss: in a batch of products, each shopper
/// photo must pick its own product's catalog shot among the others (and each catalog shot its photo). Starts at the
/// identity, is pulled back towards it, and keeps the epoch that scores best on the caller's validation (early
/// stopping). Mini-batch Adam on System.Numerics.Tensors; deterministic for a seed (batches drawn from seeded
/// generators, every sum in a fixed order, parallel loops write disjoint outputs).
/// </summary>
public static class ProjectionTrainer
{
    public static ProjectionTrainingResult Train(
        IReadOnlyList<ProjectionPair> pairs,
        ProjectionOptions options,
        Func<ShopperProjection, double> validationScore,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        if (pairs.Count < 2)
        {
            throw new ArgumentException("Contrastive training needs shopper photos of at least two products.", nameof(pairs));
        }

        var size = pairs[0].Catalog.Length;
        var current = ShopperProjection.Identity(size, options.HiddenSize, Seeds.Mix(options.Seed, 3));
        float[][] parameters = [current.Linear, current.HiddenWeights, current.HiddenBias, current.OutputWeights];
        float[][] gradients = [.. parameters.Select(p => new float[p.Length])];
        var optimizers = parameters.Select(p => new Adam(p.Length)).ToArray();
        var initial = validationScore(current);
        var best = (Score: initial, Epoch: 0, Projection: current.Copy());
        var scores = new List<double> { initial };
        progress?.Report($"projection: before training, validation score {initial:F4}");

        // One photo of each product per epoch, so no batch holds two photos of one product (a false negative).
        var byProduct = pairs.GroupBy(p => p.Product).Select(g => g.ToArray()).ToArray();
        for (var epoch = 1; epoch <= options.MaxEpochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var random = new Random(Seeds.Mix(options.Seed, epoch, 5));
            var order = byProduct.Select(views => views[random.Next(views.Length)]).ToArray();
            random.Shuffle(order);
            double loss = 0;
            foreach (var batch in order.Chunk(options.BatchSize))
            {
                if (batch.Length < 2)
                {
                    continue;
                }

                loss += BatchGradient(current, batch, options.Temperature, gradients) * batch.Length;
                Decay(current, gradients, options.IdentityDecay);
                for (var p = 0; p < parameters.Length; p++)
                {
                    optimizers[p].Step(parameters[p], gradients[p], options.LearningRate);
                }
            }

            var score = validationScore(current);
            scores.Add(score);
            progress?.Report($"projection epoch {epoch}: contrastive loss {loss / order.Length:F4}, validation score {score:F4}");
            if (score > best.Score)
            {
                best = (score, epoch, current.Copy());
            }
            else if (epoch - best.Epoch >= options.Patience)
            {
                break;
            }
        }

        return new ProjectionTrainingResult(best.Projection, best.Epoch, best.Score, initial, scores);
    }

    /// <summary>Pulls the linear map towards the identity and the hidden layer towards nothing.</summary>
    private static void Decay(ShopperProjection projection, float[][] gradients, float decay)
    {
        var size = projection.Size;
        for (var o = 0; o < size; o++)
        {
            for (var i = 0; i < size; i++)
            {
                gradients[0][(o * size) + i] += decay * (projection.Linear[(o * size) + i] - (o == i ? 1f : 0f));
            }
        }

        TensorPrimitives.MultiplyAdd(projection.HiddenWeights, decay, gradients[1], gradients[1]);
        TensorPrimitives.MultiplyAdd(projection.OutputWeights, decay, gradients[3], gradients[3]);
    }

    /// <summary>The batch's mean loss; writes its gradients (W, U, b, V) into <paramref name="gradients"/>.</summary>
    private static double BatchGradient(ShopperProjection projection, ProjectionPair[] batch, float temperature, float[][] gradients)
    {
        var n = batch.Length;
        var size = projection.Size;
        var hiddenSize = projection.HiddenSize;

        // Inputs, hidden activations and normalised outputs: catalog shots at [0, n), shopper photos at [n, 2n).
        var inputs = new float[2 * n][];
        var hidden = new float[2 * n][];
        var outputs = new float[2 * n][];
        var norms = new float[2 * n];
        Parallel.For(0, 2 * n, i =>
        {
            inputs[i] = i < n ? batch[i].Catalog : batch[i - n].Shopper;
            hidden[i] = new float[hiddenSize];
            outputs[i] = new float[size];
            projection.Forward(inputs[i], outputs[i], hidden[i]);
            norms[i] = MathF.Max(TensorPrimitives.Norm(outputs[i]), 1e-6f);
            TensorPrimitives.Divide(outputs[i], norms[i], outputs[i]);
        });

        // Similarities [shopper i, catalog j] / temperature.
        var logits = new float[n * n];
        Parallel.For(0, n, i =>
        {
            for (var j = 0; j < n; j++)
            {
                logits[(i * n) + j] = DeterministicMath.Dot(outputs[n + i], outputs[j]) / temperature;
            }
        });

        // dL/dlogits: half from rows (each photo picks its product), half from columns (each product its photo).
        var rows = new float[n * n];
        var columns = new float[n * n];
        var rowLoss = new double[n];
        var columnLoss = new double[n];
        Parallel.For(0, n, i =>
        {
            var row = rows.AsSpan(i * n, n);
            TensorPrimitives.SoftMax(logits.AsSpan(i * n, n), row);
            rowLoss[i] = -Math.Log(Math.Max(row[i], 1e-12f));
            var column = new float[n];
            for (var k = 0; k < n; k++)
            {
                column[k] = logits[(k * n) + i];
            }

            TensorPrimitives.SoftMax(column, column);
            columnLoss[i] = -Math.Log(Math.Max(column[i], 1e-12f));
            for (var k = 0; k < n; k++)
            {
                columns[(k * n) + i] = column[k];
            }
        });

        var scale = 1f / (2f * n * temperature);
        var dLogits = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var index = (i * n) + j;
                dLogits[index] = (rows[index] + columns[index] - (i == j ? 2f : 0f)) * scale;
            }
        }

        // Through the similarities and the normalisation to the unnormalised outputs, then to the hidden layer.
        var dOutputs = new float[2 * n][];
        var dHidden = new float[2 * n][];
        Parallel.For(0, 2 * n, k =>
        {
            var dz = new float[size];
            if (k < n)
            {
                for (var i = 0; i < n; i++)
                {
                    TensorPrimitives.MultiplyAdd(outputs[n + i], dLogits[(i * n) + k], dz, dz);
                }
            }
            else
            {
                for (var j = 0; j < n; j++)
                {
                    TensorPrimitives.MultiplyAdd(outputs[j], dLogits[((k - n) * n) + j], dz, dz);
                }
            }

            // z = u/|u|  ⇒  dL/du = (dL/dz − z (z·dL/dz)) / |u|.
            var along = DeterministicMath.Dot(outputs[k], dz);
            TensorPrimitives.MultiplyAdd(outputs[k], -along, dz, dz);
            TensorPrimitives.Divide(dz, norms[k], dz);
            dOutputs[k] = dz;

            var dh = new float[hiddenSize];
            for (var o = 0; o < size; o++)
            {
                TensorPrimitives.MultiplyAdd(projection.OutputWeights.AsSpan(o * hiddenSize, hiddenSize), dz[o], dh, dh);
            }

            for (var h = 0; h < hiddenSize; h++)
            {
                dh[h] = hidden[k][h] > 0 ? dh[h] : 0;
            }

            dHidden[k] = dh;
        });

        // Weight gradients, one row per task: sums over the batch in a fixed order.
        Parallel.For(0, size, o =>
        {
            var linear = gradients[0].AsSpan(o * size, size);
            var output = gradients[3].AsSpan(o * hiddenSize, hiddenSize);
            linear.Clear();
            output.Clear();
            for (var k = 0; k < 2 * n; k++)
            {
                TensorPrimitives.MultiplyAdd(inputs[k], dOutputs[k][o], linear, linear);
                if (hiddenSize > 0)
                {
                    TensorPrimitives.MultiplyAdd(hidden[k], dOutputs[k][o], output, output);
                }
            }
        });
        Parallel.For(0, hiddenSize, h =>
        {
            var row = gradients[1].AsSpan(h * size, size);
            row.Clear();
            var bias = 0f;
            for (var k = 0; k < 2 * n; k++)
            {
                TensorPrimitives.MultiplyAdd(inputs[k], dHidden[k][h], row, row);
                bias += dHidden[k][h];
            }

            gradients[2][h] = bias;
        });

        return (rowLoss.Sum() + columnLoss.Sum()) / (2 * n);
    }
}
