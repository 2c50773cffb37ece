using System.Threading.Channels;

namespace Acode.Application.Sync;

/// <summary>
/// Wakes the sync worker when a save commits. <see cref="Notify"/> never blocks and never waits for the sync
/// (AC-037); many notifications before the worker wakes collapse into one.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes a waiting <see cref="WaitAsync"/> (or the next one); returns at once.</summary>
    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a notification or the timeout, whichever comes first.</summary>
    /// <returns><see langword="true"/> when woken by a save.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, time ?? TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
