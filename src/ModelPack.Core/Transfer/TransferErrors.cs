using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>The errors and log lines of the copy engine, in one place.</summary>
internal static class TransferErrors
{
    public static ModelPackException TooLong(string target, string digest, long size) =>
        new(ErrorIds.SizeMismatch, ErrorKind.InvalidData, $"Blob {digest} of '{target}' is longer than the {size} bytes its descriptor says. It was discarded.", digest);

    public static ModelPackException EndedEarly(string target, string digest, long position, long size) =>
        new(ErrorIds.SizeMismatch, ErrorKind.InvalidData, $"Blob {digest} of '{target}' ended after {position} of the {size} bytes its descriptor says.", digest);

    public static ModelPackException Altered(string target, Digest expected, byte[] hash) => Registry.RegistryErrors.BlobAltered(target, expected, hash);

    public static ModelPackException ImageIsPulledWhole(string refName) => new(
        ErrorIds.ParameterNotApplicable,
        ErrorKind.InvalidArgument,
        $"'{refName}' is a model packaged as a container image, whose layers are not the model's files: it is pulled whole. Leave out -Include, -Exclude and -Kind.",
        refName);

    public static string Resuming(string digest, long offset, long size) => $"Resuming {digest} at {offset} of {size} bytes.";

    public static string ResumingParts(string digest, long done, long size, long partSize) => $"Resuming {digest} in parts of {partSize} bytes: {done} of {size} bytes are here.";

    public static string DiscardingParts(string digest, string problem) => $"Discarding the partial download of {digest}: its list of parts cannot be used ({problem}).";

    public static string InOneStream(string digest, string why) => $"Downloading {digest} in one stream: {why}.";

    public static string DiscardingLonger(string digest) => $"Discarding the partial download of {digest}: it is longer than the blob.";

    public static string Waiting(string digest) => $"Waiting for another download of {digest} to finish.";

    public static string StartingOver(StartOverReason reason, string digest, string why) => reason switch
    {
        StartOverReason.OffsetIgnored => $"The registry ignored the resume request for {digest} ({why}); taking {digest} from the start.",
        StartOverReason.OtherSource => $"The download of {digest} did not verify ({why}); downloading it again from the start from the next endpoint.",
        _ => $"The resumed download of {digest} did not verify ({why}); downloading it again from the start.",
    };
}
