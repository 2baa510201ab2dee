using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using SharpCompress.Common;
using SharpCompress.Readers;
using SharpCompress.Writers;
using SharpCompress.Writers.Tar;

namespace NeighbourModule;

/// <summary>
/// Uses both libraries the way a module would: serializes and reads back JSON, writes a tar and reads
/// it back, and says which copy of each library it ran on.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "Neighbour")]
[OutputType(typeof(NeighbourResult))]
public sealed class TestNeighbourCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public string Text { get; set; } = "neighbour";

    protected override void ProcessRecord()
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = Text });
        var back = JsonSerializer.Deserialize<Dictionary<string, string>>(json)!["text"];

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, new TarWriterOptions(CompressionType.None, finalizeArchiveOnClose: true) { LeaveStreamOpen = true }))
        {
            writer.Write("neighbour/text.txt", new MemoryStream(Encoding.UTF8.GetBytes(back)), new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        tar.Position = 0;
        var entries = new List<string>();
        using (var reader = ReaderFactory.OpenReader(tar, new ReaderOptions { LeaveStreamOpen = true }))
        {
            while (reader.MoveToNextEntry())
            {
                entries.Add(reader.Entry.Key!);
            }
        }

        WriteObject(new NeighbourResult(
            back,
            string.Join(",", entries),
            typeof(JsonSerializer).Assembly.GetName().Version!.ToString(),
            typeof(TarWriter).Assembly.GetName().Version!.ToString()));
    }
}

public sealed class NeighbourResult
{
    public NeighbourResult(string text, string entries, string jsonVersion, string sharpCompressVersion)
    {
        Text = text;
        Entries = entries;
        JsonVersion = jsonVersion;
        SharpCompressVersion = sharpCompressVersion;
    }

    public string Text { get; }

    public string Entries { get; }

    public string JsonVersion { get; }

    public string SharpCompressVersion { get; }
}
