using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace ModelPack.Core.Engines;

/// <summary>Reads a process output stream to its end in the background; what has arrived so far is readable at any time.</summary>
internal sealed class StreamCapture
{
    private readonly StringBuilder text = new();
    private readonly object gate = new();

    public StreamCapture(StreamReader reader)
    {
        Completion = PumpAsync(reader);
    }

    /// <summary>Completes at end of stream: when every process holding the pipe's write end has closed it.</summary>
    public Task Completion { get; }

    public string Text
    {
        get
        {
            lock (gate)
            {
                return text.ToString();
            }
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[8192];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                lock (gate)
                {
                    text.Append(buffer, 0, read);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke (process killed); keep what arrived.
        }
        catch (System.ObjectDisposedException)
        {
            // The runner gave up on a pipe a lingering descendant held open and disposed the process.
        }
    }
}
