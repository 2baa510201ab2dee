using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>Reads an artifact's manifest and config from its registry without downloading any layer.</summary>
public static class RemoteArtifactReader
{
    public const string StrategyName = "Remote";

    public static async Task<ModelArtifact> GetAsync(RegistryClient client, ModelReference reference, CancellationToken cancellationToken = default)
    {
        var repository = (client ?? throw new System.ArgumentNullException(nameof(client))).Repository(reference);
        var resolved = await repository.ResolveManifestAsync(reference.Tag ?? reference.Digest!, cancellationToken).ConfigureAwait(false);
        var manifest = resolved.Manifest;
        if (!manifest.IsModelArtifact)
        {
            throw ManifestChecks.NotAModel(reference.ToString(), resolved.Digest, manifest, orImage: false);
        }

        ModelConfig? config = null;
        if (manifest.Config is Descriptor c && MediaTypes.IsModelConfig(c.MediaType))
        {
            var subject = $"The config of '{reference}'";
            ModelConfig.EnsureReadable(c, subject, reference.ToString());
            var bytes = await repository.ReadBlobAsync(c, cancellationToken).ConfigureAwait(false);
            config = ModelConfig.Parse(bytes, subject, reference.ToString());
        }

        return new ModelArtifact(reference.ToString(), manifest, config, StrategyName, null);
    }
}
