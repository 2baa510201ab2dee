namespace ModelPack.Core.Configuration;

/// <summary>Turns byte offsets into 1-based line numbers, scanning forward only (offsets come in order).</summary>
internal sealed class LineCounter
{
    private readonly byte[] text;
    private long scanned;
    private long line = 1;

    public LineCounter(byte[] text)
    {
        this.text = text;
    }

    public long LineOf(long offset)
    {
        if (offset < scanned)
        {
            scanned = 0;
            line = 1;
        }

        for (; scanned < offset && scanned < text.Length; scanned++)
        {
            if (text[scanned] == (byte)'\n')
            {
                line++;
            }
        }

        return line;
    }
}
