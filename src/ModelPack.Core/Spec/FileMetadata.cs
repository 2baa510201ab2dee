using System;
using System.Text;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>The <c>org.cncf.model.file.metadata+json</c> annotation: the packed file's tar-like header.</summary>
public sealed class FileMetadata
{
    /// <summary>Tar typeflag '0', a regular file.</summary>
    public const byte RegularFile = (byte)'0';

    /// <summary>Tar typeflag '5', a directory.</summary>
    public const byte Directory = (byte)'5';

    public string Name { get; set; } = string.Empty;

    public uint Mode { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public long Size { get; set; }

    public DateTimeOffset ModTime { get; set; }

    public byte Typeflag { get; set; } = RegularFile;

    public static bool TryParse(string json, out FileMetadata metadata)
    {
        metadata = new FileMetadata();
        try
        {
            using var doc = JsonText.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            metadata.Name = JsonText.String(root, "name") ?? string.Empty;
            metadata.Mode = ReadUInt32(root, "mode");
            metadata.Uid = ReadUInt32(root, "uid");
            metadata.Gid = ReadUInt32(root, "gid");
            metadata.Size = JsonText.Int64(root, "size") ?? 0;
            metadata.ModTime = JsonText.Date(root, "mtime") ?? default;
            metadata.Typeflag = (byte)ReadUInt32(root, "typeflag");
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public string ToJson() => Encoding.UTF8.GetString(JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteNumber("mode", Mode);
        w.WriteNumber("uid", Uid);
        w.WriteNumber("gid", Gid);
        w.WriteNumber("size", Size);
        w.WriteString("mtime", Rfc3339.Format(ModTime));
        w.WriteNumber("typeflag", Typeflag);
        w.WriteEndObject();
    }));

    public override string ToString() => ToJson();

    private static uint ReadUInt32(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetUInt32(out var v) ? v : 0;
}
