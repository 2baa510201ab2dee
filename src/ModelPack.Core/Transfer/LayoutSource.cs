using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Blobs of an OCI image layout (the store): each opened as a seekable file of exactly its descriptor's size, so
/// an upload can read it again from any offset when it resumes. A missing or resized blob is refused before
/// anything is sent; what the file holds is verified by the registry against the digest the upload closes with.
/// </summary>
internal sealed class LayoutSource : IBlobSource
{
    private const int BufferSize = 1024 * 1024;
    private readonly OciLayout _layout;

    public LayoutSource(OciLayout layout) => _layout = layout ?? throw new ArgumentNullException(nameof(layout));

    public IBlobReader Reader(Descriptor blob) => new BlobReader(_layout, blob);

    private sealed class BlobReader : IBlobReader
    {
        private readonly OciLayout _layout;
        private readonly Descriptor _blob;

        public BlobReader(OciLayout layout, Descriptor blob)
        {
            _layout = layout;
            _blob = blob;
        }

        public string Target => _layout.Root;

        int IBlobReader.BufferSize => BufferSize;

        public Task<BlobStream> OpenAsync(long offset, CancellationToken cancellationToken)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(_layout.BlobPath(_blob.Digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ModelPackException(ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Blob {_blob.Digest} is missing from the store at '{_layout.Root}'. Run Test-ModelArtifact -Repair, or pack or pull the artifact again.", _blob.Digest, ex);
            }

            if (stream.Length != _blob.Size)
            {
                var length = stream.Length;
                stream.Dispose();
                throw new ModelPackException(ErrorIds.SizeMismatch, ErrorKind.InvalidData, $"Blob {_blob.Digest} in the store at '{_layout.Root}' has {length} bytes, not {_blob.Size}: it is damaged. Run Test-ModelArtifact -Repair.", _blob.Digest);
            }

            stream.Position = offset;
            return Task.FromResult(new BlobStream(stream, offset));
        }

        public Task<bool> RetryAsync(Exception failure, long progressed, CancellationToken cancellationToken) => Task.FromResult(false);

        public Exception Final(Exception failure) => failure;
    }
}
