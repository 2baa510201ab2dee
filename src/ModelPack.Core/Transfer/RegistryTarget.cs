using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Blobs into a registry repository: a HEAD decides whether anything is needed; a blob another repository of
/// the registry holds is mounted from there; the others are uploaded (<see cref="BlobUpload"/>), in one PUT when
/// small and in resumable chunks when large, their session URLs kept in <see cref="UploadSessions"/> until done.
/// Every request asks for one token scope: pull and push here, pull on each mount source.
/// </summary>
internal sealed class RegistryTarget : IBlobTarget
{
    private readonly RegistryRepository _repository;
    private readonly UploadSettings _settings;
    private readonly UploadSessions? _sessions;
    private readonly string _scope;

    /// <param name="mountFrom">Every repository the copy may mount from (they join the token scope).</param>
    public RegistryTarget(RegistryRepository repository, UploadSettings settings, IEnumerable<string> mountFrom, UploadSessions? sessions)
    {
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _settings.Validate();
        _sessions = sessions;
        MountSources = mountFrom.Where(r => !string.Equals(r, repository.Name, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Select(r => repository.Sibling(r).Name).ToList();
        _scope = repository.PushScope(MountSources);
    }

    /// <summary>The mount sources, validated, without the repository itself.</summary>
    public IReadOnlyList<string> MountSources { get; }

    /// <summary>Obtains the push token once, before the copy's requests ask for it.</summary>
    public Task PrepareAsync(CancellationToken cancellationToken) => _repository.PrepareForPushAsync(MountSources, cancellationToken);

    public Task<ITargetBlob> OpenAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        RegistryRepository.ParseDigest(blob.Digest);
        return Task.FromResult<ITargetBlob>(new RegistryBlob(this, blob));
    }

    private sealed class RegistryBlob : ITargetBlob
    {
        private readonly RegistryTarget _target;
        private readonly Descriptor _blob;
        private readonly BlobUpload _upload;
        private Action<long>? _progress;

        public RegistryBlob(RegistryTarget target, Descriptor blob)
        {
            _target = target;
            _blob = blob;
            _upload = new BlobUpload(Repository, blob, target._scope, target._settings, bytes => _progress?.Invoke(bytes), Remember);
        }

        private RegistryRepository Repository => _target._repository;

        public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
        {
            if (await Repository.HeadBlobAsync(_blob.Digest, _target._scope, cancellationToken).ConfigureAwait(false) is long existing && (existing == _blob.Size || existing < 0))
            {
                Repository.Log.Log($"  blob {_blob.Digest} already in '{Repository}'; not uploaded.");
                Remember(null);
                return true;
            }

            return false;
        }

        public async Task<string?> MountAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken)
        {
            foreach (var source in sources.Where(s => !string.Equals(s, Repository.Name, StringComparison.Ordinal)))
            {
                if (await Repository.Sibling(source).HeadBlobAsync(_blob.Digest, _target._scope, cancellationToken).ConfigureAwait(false) is not long)
                {
                    continue;
                }

                if (await _upload.MountAsync(source, cancellationToken).ConfigureAwait(false))
                {
                    Remember(null);
                    return source;
                }

                if (_upload.Location is not null)
                {
                    break;
                }
            }

            return null;
        }

        public async Task<BlobCopyResult> WriteAsync(IBlobSource source, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken)
        {
            _progress = progress;
            using var stream = await source.Reader(_blob).OpenAsync(0, cancellationToken).ConfigureAwait(false);
            await _upload.UploadAsync(stream.Body!, _target._sessions?.Read(Repository.ToString(), _blob.Digest), cancellationToken).ConfigureAwait(false);
            return new BlobCopyResult(_blob.Digest, _blob.Size, BlobCopyOutcome.Transferred, _upload.BytesSent, _upload.Resumes);
        }

        public void Dispose()
        {
        }

        private void Remember(Uri? location) => _target._sessions?.Write(Repository.ToString(), _blob.Digest, location);
    }
}
