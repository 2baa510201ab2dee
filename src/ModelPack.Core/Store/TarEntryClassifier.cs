using System;
using System.Globalization;
using System.Reflection;
using ModelPack.Core.Errors;
using SharpCompress.Common.Tar;

namespace ModelPack.Core.Store;

/// <summary>
/// Reads a tar entry's typeflag. SharpCompress 0.50.8 parses it but keeps it internal: its public
/// <see cref="TarEntry"/> reports hard links and symbolic links alike (both set LinkTarget) and shows
/// FIFOs and devices as empty regular files, which is not enough to refuse them. So the typeflag is read
/// from SharpCompress's own parsed header (TarEntry._filePart.Header.EntryType). If a SharpCompress
/// upgrade moves those members, every tar layer is refused (fail closed) and the Store tests fail.
/// </summary>
internal static class TarEntryClassifier
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly FieldInfo? FilePartField = typeof(TarEntry).GetField("_filePart", Instance);
    private static readonly PropertyInfo? HeaderProperty = FilePartField?.FieldType.GetProperty("Header", Instance);
    private static readonly PropertyInfo? EntryTypeProperty = HeaderProperty?.PropertyType.GetProperty("EntryType", Instance);

    public static TarEntryKind Classify(TarEntry entry)
    {
        var typeflag = ReadTypeflag(entry);
        return typeflag switch
        {
            0 or (byte)'0' or (byte)'7' => TarEntryKind.RegularFile,
            (byte)'1' => TarEntryKind.HardLink,
            (byte)'2' => TarEntryKind.SymbolicLink,
            (byte)'3' => TarEntryKind.CharacterDevice,
            (byte)'4' => TarEntryKind.BlockDevice,
            (byte)'5' => TarEntryKind.Directory,
            (byte)'6' => TarEntryKind.Fifo,
            (byte)'g' or (byte)'x' => TarEntryKind.Metadata,
            _ => TarEntryKind.Other,
        };
    }

    private static byte ReadTypeflag(TarEntry entry)
    {
        if (FilePartField is null || HeaderProperty is null || EntryTypeProperty is null)
        {
            throw Unavailable(null);
        }

        try
        {
            var filePart = FilePartField.GetValue(entry);
            var header = filePart is null ? null : HeaderProperty.GetValue(filePart);
            var entryType = header is null ? null : EntryTypeProperty.GetValue(header);
            if (entryType is null)
            {
                throw Unavailable(null);
            }

            return Convert.ToByte(entryType, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is TargetException or TargetInvocationException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw Unavailable(ex);
        }
    }

    private static ModelPackException Unavailable(Exception? inner) => new(
        ErrorIds.InvalidLayerArchive,
        ErrorKind.InvalidOperation,
        "Cannot tell the type of tar entries with this SharpCompress build, so tar layers cannot be extracted safely. " +
        "Reinstall the ModelPack module (it ships the SharpCompress version it was tested with).",
        typeof(TarEntry).Assembly.GetName().Version?.ToString(),
        inner);
}
