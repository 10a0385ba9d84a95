namespace Lookbook.Learning;

/// <summary>
/// The Adam optimiser's moment estimates for one parameter array (β1 0.9, β2 0.999), shared by the head's and the
/// projection's trainers. A decoupled weight decay (AdamW) is the caller's: the decay passed to Step gives the amount
/// subtracted from a parameter besides its step.
/// </summary>
internal sealed class Adam(int count)
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;
    private readonly float[] _m = new float[count];
    private readonly float[] _v = new float[count];
    private int _t;

    public void Step(Span<float> values, ReadOnlySpan<float> gradient, float learningRate, Func<int, float>? decay = null)
    {
        _t++;
        var correction1 = 1 - MathF.Pow(Beta1, _t);
        var correction2 = 1 - MathF.Pow(Beta2, _t);
        for (var i = 0; i < values.Length; i++)
        {
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * gradient[i]);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * gradient[i] * gradient[i]);
            var step = learningRate * (_m[i] / correction1) / (MathF.Sqrt(_v[i] / correction2) + Epsilon);
            values[i] -= decay is null ? step : step + decay(i);
        }
    }
}
