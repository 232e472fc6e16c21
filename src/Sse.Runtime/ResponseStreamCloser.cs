using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime;

/// <summary>
/// Closes a response stream the consumer stopped reading early. Disposing an unfinished HTTP/1.1 response makes
/// SocketsHttpHandler drain it (up to 1 MiB or 2 s) so the connection can be reused; on an endless event stream
/// that keeps the server producing for seconds after the client left. Cancelling a pending read instead makes the
/// handler drop the connection at once, so the server sees the disconnect immediately.
/// </summary>
internal static class ResponseStreamCloser
{
    /// <summary>At most this many reads of already-buffered data before one has to wait on the network.</summary>
    private const int MaxBufferedReads = 16;
    private const int BufferSize = 4096;

    public static async ValueTask AbortAsync(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (var i = 0; i < MaxBufferedReads; i++)
            {
                using var cts = new CancellationTokenSource();
                var read = stream.ReadAsync(buffer.AsMemory(0, BufferSize), cts.Token);
                if (read.IsCompleted)
                {
                    if (await read.ConfigureAwait(false) == 0)
                    {
                        return; // The response ended after all: nothing to abort.
                    }

                    continue;
                }

                await cts.CancelAsync().ConfigureAwait(false);
                await read.ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or System.Net.Http.HttpRequestException)
        {
            // Expected: the cancelled read tore the connection down, which is the point.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
