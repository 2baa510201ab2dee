using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// PodmanArtifact, PodmanImage and Auto on the real podman 5.7.1 (the oldest release with artifact mounts) and
/// 5.8.2 (the newest), one theory per behaviour over both: pull, list, mount, real containers (runc, no
/// network) that hash every file at its file path through the exact mount arguments, removal, and the
/// podman behaviours the module has to work around (two layers with one digest, artifacts pulled by digest,
/// registry manifests that are not podman's serialisation, a foreign artifact that breaks 'artifact ls').
/// </summary>
[Collection(RealPodman5Collection.Name)]
public sealed class RealPodman5StrategyTests
{
    private const string Destination = "/models/llm";
    private readonly RealPodman5Fixture fixture;
    private readonly List<string> log = new();

    public RealPodman5StrategyTests(RealPodman5Fixture fixture)
    {
        this.fixture = fixture;
    }

    public static TheoryData<string> Podmans => new() { TestTools.Podman57, TestTools.Podman58 };

    public static TheoryData<string, string> PodmansAndQuadlets => new()
    {
        { TestTools.Podman57, TestTools.Quadlet57 },
        { TestTools.Podman58, TestTools.Quadlet58 },
    };

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task The_probe_finds_artifact_mounts_and_image_subpath(string tool)
    {
        var (_, engine) = await fixture.PodmanAsync(tool);

        Assert.Equal(tool == TestTools.Podman57 ? new Version(5, 7, 1) : new Version(5, 8, 2), engine.Version);
        Assert.True(engine.IsUsable, engine.Reason);
        Assert.True(engine.SupportsArtifacts, engine.Reason);
        Assert.True(engine.SupportsImageSubpath);
        Assert.Empty(engine.Warnings);
        Assert.Contains("'podman artifact' works", engine.Reason);
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task PodmanArtifact_pulls_lists_mounts_and_removes_and_a_container_reads_every_file_at_its_filepath(string tool)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var strategy = new PodmanArtifactStrategy(await fixture.ContextAsync(tool, log.Add));
        var reference = ModelReference.Parse(fixture.PlainRef);

        var pulled = await strategy.PullAsync(reference, Pull(), CancellationToken.None);
        var again = await strategy.PullAsync(reference, Pull(), CancellationToken.None); // podman pulls a present artifact again; no error
        await podman.RunOkAsync("artifact", "pull", "--quiet", fixture.EscapingRef);
        var all = await strategy.ListAsync(CancellationToken.None);
        var listed = Assert.Single(all, a => a.Reference == fixture.PlainRef);
        var mounts = await strategy.MountsAsync(pulled, new MountOptions(engine, Destination), CancellationToken.None);
        var read = await podman.RunContainerAsync(mounts.Select(m => m.Argument), Sha256Sum(RealPodman5Fixture.Plain, Destination));
        var write = await podman.RunContainerAsync(mounts.Select(m => m.Argument), "sh", "-c", "echo changed > " + Destination + "/model.gguf");

        Assert.Equal(("PodmanArtifact", RealPodman5Fixture.Plain.Digest), (pulled.Strategy, pulled.Digest));
        Assert.Equal(pulled.Digest, again.Digest);
        Assert.DoesNotContain(all, a => a.Reference == fixture.EscapingRef);
        Assert.Contains(log, l => l.Contains("models/escaping:1", StringComparison.Ordinal) && l.Contains("filepath", StringComparison.Ordinal));
        Assert.True(await strategy.RemoveAsync(ModelReference.Parse(fixture.EscapingRef), CancellationToken.None));
        Assert.Equal(RealPodman5Fixture.Plain.Digest, listed.Digest);
        Assert.Equal(new[] { "model.gguf", "config.json", "docs/README.md" }, listed.Files.Select(f => f.Path));
        Assert.Equal(
            RealPodman5Fixture.Plain.Layers.Select(l => $"--mount=type=artifact,src={fixture.PlainRef},digest={l.Descriptor.Digest},destination={Destination}/{l.Descriptor.Filepath}"),
            mounts.Select(m => m.Argument));
        Assert.All(mounts, m => Assert.Equal(Destination + "/model.gguf", m.EntryPath));
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(ExpectedSums(RealPodman5Fixture.Plain, Destination), read.Stdout.Trim());
        Assert.False(write.Succeeded);
        Assert.Contains("Read-only file system", write.Stderr + write.Stdout);

        Assert.True(await strategy.RemoveAsync(pulled, CancellationToken.None));
        Assert.Null(await strategy.FindAsync(reference, CancellationToken.None));
        Assert.False(await strategy.RemoveAsync(reference, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task Two_layers_with_one_digest_make_Auto_take_HttpBind_and_a_forced_PodmanArtifact_say_why(string tool)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var context = await fixture.ContextAsync(tool, log.Add);
        var chain = new StrategyChain(context, ModelPackSettings.Empty, new ReferenceKindCache());
        using var client = fixture.Setup.Client();
        var reference = ModelReference.Parse(fixture.DuplicatesRef);

        var selection = await chain.SelectAsync(null, reference, client, CancellationToken.None);
        Assert.Equal(StrategyName.HttpBind, selection.Strategy);
        Assert.Contains("same digest", selection.Strategies[0].Reason);

        // What podman does with the per-layer mounts of such an artifact.
        await podman.RunOkAsync("artifact", "pull", "--quiet", fixture.DuplicatesRef);
        var empty = RealPodman5Fixture.Duplicates.Layers[1].Descriptor.Digest;
        var refused = await podman.RunContainerAsync(new[] { $"--mount=type=artifact,src={fixture.DuplicatesRef},digest={empty},destination={Destination}/empty-a.txt" }, "true");
        Assert.False(refused.Succeeded);
        Assert.Contains("more than one match for the digest", refused.Stderr);

        var strategy = chain.Get(StrategyName.PodmanArtifact);
        var inPodman = (await strategy.FindAsync(reference, CancellationToken.None))!;
        var forced = Assert.Throws<ArtifactNotMountableException>(() => strategy.Mounts(inPodman, new MountOptions(engine, Destination)));
        var auto = await chain.MountAsync(inPodman, null, new MountOptions(engine, Destination), Pull(client), CancellationToken.None);
        var read = await podman.RunContainerAsync(auto.Select(m => m.Argument), Sha256Sum(RealPodman5Fixture.Duplicates, Destination));

        Assert.Equal(new[] { "empty-a.txt", "empty-b.txt" }, forced.UnmountableLayers);
        Assert.Contains("same digest", forced.Message);
        Assert.Contains("HttpBind", forced.Message);
        Assert.Equal("HttpBind", Assert.Single(auto).Strategy);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(ExpectedSums(RealPodman5Fixture.Duplicates, Destination), read.Stdout.Trim());
        Assert.True(await strategy.RemoveAsync(inPodman, CancellationToken.None));
        Assert.True(await chain.Get(StrategyName.HttpBind).RemoveAsync(reference, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task An_artifact_pulled_by_digest_is_listed_by_its_digest_and_removing_it_leaves_the_tagged_one(string tool)
    {
        var (podman, _) = await fixture.PodmanAsync(tool);
        var strategy = new PodmanArtifactStrategy(await fixture.ContextAsync(tool, log.Add));
        using (var client = fixture.Setup.Client())
        {
            await RealPodman5Fixture.Plain.PushAsync(client, fixture.Registry, "models/by-digest-" + tool, "1");
        }

        var tagged = $"{fixture.Registry}/models/by-digest-{tool}:1";
        var pinned = $"{fixture.Registry}/models/by-digest-{tool}@{RealPodman5Fixture.Plain.Digest}";
        await strategy.PullAsync(ModelReference.Parse(tagged), Pull(), CancellationToken.None);
        var byDigest = await strategy.PullAsync(ModelReference.Parse(pinned), Pull(), CancellationToken.None);

        var listed = (await strategy.ListAsync(CancellationToken.None)).Where(a => a.Repository == "models/by-digest-" + tool).ToList();
        Assert.Equal(pinned, byDigest.Reference);
        Assert.Equal(new[] { tagged, pinned }, listed.Select(a => a.Reference).Order(StringComparer.Ordinal));
        Assert.All(listed, a => Assert.Equal(RealPodman5Fixture.Plain.Digest, a.Digest));

        Assert.True(await strategy.RemoveAsync(listed.Single(a => a.Reference == pinned), CancellationToken.None));
        var left = await podman.RunOkAsync("artifact", "ls", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Contains($"{fixture.Registry}/models/by-digest-{tool}:1", left);
        Assert.DoesNotContain($"{fixture.Registry}/models/by-digest-{tool}:\n", left + "\n");
        Assert.True(await strategy.RemoveAsync(ModelReference.Parse(tagged), CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task An_artifact_whose_registry_manifest_is_not_podmans_serialisation_shows_the_registry_digest(string tool)
    {
        var (podman, _) = await fixture.PodmanAsync(tool);
        var strategy = new PodmanArtifactStrategy(await fixture.ContextAsync(tool, log.Add));
        var reference = ModelReference.Parse(fixture.PrettyRef);
        var pinned = ModelReference.Parse(fixture.Registry + "/models/pretty@" + fixture.PrettyDigest);

        var pulled = await strategy.PullAsync(reference, Pull(), CancellationToken.None);
        var pulledByDigest = await strategy.PullAsync(pinned, Pull(), CancellationToken.None);
        var podmansOwn = await podman.RunOkAsync("artifact", "inspect", fixture.PrettyRef);
        var listed = (await strategy.ListAsync(CancellationToken.None)).Where(a => a.Repository == "models/pretty").ToList();

        Assert.NotEqual(RealPodman5Fixture.Plain.Digest, fixture.PrettyDigest);
        Assert.Contains("\"Digest\": \"" + RealPodman5Fixture.Plain.Digest + "\"", podmansOwn); // podman's digest of its own serialisation
        Assert.Equal(fixture.PrettyDigest, pulled.Digest);
        Assert.Equal((pinned.ToString(), fixture.PrettyDigest), (pulledByDigest.Reference, pulledByDigest.Digest));
        Assert.Equal(fixture.PrettyDigest, (await strategy.FindAsync(reference, CancellationToken.None))!.Digest);
        Assert.Equal(new[] { (fixture.PrettyRef, fixture.PrettyDigest), (pinned.ToString(), fixture.PrettyDigest) }, listed.Select(a => (a.Reference, a.Digest)).OrderBy(x => x.Reference, StringComparer.Ordinal));
        Assert.True(await strategy.RemoveAsync(reference, CancellationToken.None));
        Assert.True(await strategy.RemoveAsync(pinned, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task A_foreign_artifact_that_breaks_artifact_ls_is_reported_and_PodmanArtifact_still_lists_and_pulls(string tool)
    {
        await fixture.EnsureAsync();
        using var podman = new PodmanSandbox(tool, fixture.Registry);
        await podman.RunOkAsync("artifact", "pull", "--quiet", fixture.ForeignRef);
        var ls = await podman.RunAsync("artifact", "ls");
        Assert.Equal(125, ls.ExitCode);
        Assert.Contains("parsing time", ls.Stderr);

        var engine = await podman.ProbeAsync();
        var selection = StrategySelector.Select(null, ModelPackSettings.Empty, engine, ReferenceKind.Artifact, null);
        var context = new StrategyContext(engine, () => throw new InvalidOperationException("no local store here"), ProcessRunner.Instance, podman.Environment) { Log = log.Add, Warn = log.Add };
        var strategy = new PodmanArtifactStrategy(context);
        await strategy.PullAsync(ModelReference.Parse(fixture.PlainRef), Pull(), CancellationToken.None);
        var listed = await strategy.ListAsync(CancellationToken.None);

        Assert.True(engine.SupportsArtifacts, engine.Reason);
        var warning = Assert.Single(engine.Warnings);
        Assert.Contains("cannot be listed", warning);
        Assert.Contains("parsing time", warning);
        Assert.Contains("cannot be listed", engine.Reason);
        Assert.Equal(StrategyName.PodmanArtifact, selection.Strategy);
        Assert.Contains("cannot be listed", StrategySelector.Describe(engine)[0].Reason);
        Assert.Equal(fixture.PlainRef, Assert.Single(listed).Reference);
        Assert.Contains(log, l => l.Contains("'podman artifact ls' failed", StringComparison.Ordinal) && l.Contains("index", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains(fixture.ForeignRef, StringComparison.Ordinal) && l.Contains("not a ModelPack model", StringComparison.Ordinal));

        var notModel = await Assert.ThrowsAsync<ModelPack.Core.Errors.ModelPackException>(() => strategy.PullAsync(ModelReference.Parse(fixture.ForeignRef), Pull(), CancellationToken.None));
        Assert.Equal(ModelPack.Core.Errors.ErrorIds.NotAModelArtifact, notModel.ErrorId);
        Assert.Contains("podman artifact rm " + fixture.ForeignRef, notModel.Message);
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.Quadlet57, TestTools.Quadlet58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(PodmansAndQuadlets))]
    public async Task The_quadlet_units_of_an_artifact_and_an_image_are_accepted_by_quadlet_and_their_pull_units_work_with_a_loopback_registry(string tool, string quadlet)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var context = await fixture.ContextAsync(tool, log.Add);
        var artifacts = new PodmanArtifactStrategy(context);
        var images = new PodmanImageStrategy(context);
        var artifact = await artifacts.PullAsync(ModelReference.Parse(fixture.PlainRef), Pull(), CancellationToken.None);
        var image = await images.PullAsync(ModelReference.Parse(fixture.UnlabelledImageRef), Pull(), CancellationToken.None);
        var options = new MountOptions(engine, Destination);
        var artifactUnits = QuadletRendering.Render(await artifacts.MountsAsync(artifact, options, CancellationToken.None), Destination, "plain", tlsVerify: false);
        var imageUnits = QuadletRendering.Render(await images.MountsAsync(image, options, CancellationToken.None), Destination, "unlabelled", tlsVerify: false);
        var container = "[Container]\nImage=" + PodmanSandbox.BusyboxImage + "\nExec=/bin/busybox true\n";

        var dryRun = await QuadletDryRun.RunAsync(quadlet, artifactUnits.Concat(imageUnits).Select(u => (u.Name, u.Name.EndsWith(".container", StringComparison.Ordinal) ? container + u.Content : u.Content)));

        Assert.True(dryRun.Accepted, dryRun.ToString());
        Assert.Equal(new[] { "plain-artifact.service", "plain.service", "unlabelled-image.service", "unlabelled.service" }, dryRun.Services.Keys.Order(StringComparer.Ordinal));
        foreach (var pullUnit in new[] { "plain-artifact.service", "unlabelled-image.service" })
        {
            var command = dryRun.ExecStart(pullUnit);
            Assert.Contains("--tls-verify=false", command);

            // The generated pull, run as systemd would, on a host whose registries.conf marks nothing insecure.
            var pulled = await podman.RunAsync(podman.WithoutInsecureRegistries(), command.Skip(1).ToArray());
            Assert.True(pulled.Succeeded, pullUnit + ": " + string.Join(" ", command) + ": " + pulled.Stderr);
        }

        var run = dryRun.ExecStart("plain.service");
        Assert.Contains($"type=artifact,source={fixture.PlainRef},digest={RealPodman5Fixture.Plain.Layers[0].Descriptor.Digest},destination={Destination}/model.gguf", run);
        Assert.Contains("Requires=plain-artifact.service", dryRun.Services["plain.service"]);
        Assert.Contains("Requires=unlabelled-image.service", dryRun.Services["unlabelled.service"]);
        Assert.True(await artifacts.RemoveAsync(artifact, CancellationToken.None));
        Assert.True(await images.RemoveAsync(image, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task PodmanImage_finds_the_main_weight_file_of_an_image_without_labels_and_a_container_reads_it(string tool)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var strategy = new PodmanImageStrategy(await fixture.ContextAsync(tool, log.Add));
        var reference = ModelReference.Parse(fixture.UnlabelledImageRef);

        var image = await strategy.PullAsync(reference, Pull(), CancellationToken.None);
        var mount = Assert.Single(await strategy.MountsAsync(image, new MountOptions(engine), CancellationToken.None));
        var read = await podman.RunContainerAsync(new[] { mount.Argument }, "sha256sum", mount.EntryPath ?? "(no entry path)");
        var mounted = await podman.RunOkAsync("image", "mount");

        Assert.Equal(("PodmanImage", fixture.UnlabelledImageDigest), (image.Strategy, image.Digest));
        Assert.Equal($"--mount=type=image,src={fixture.UnlabelledImageRef},destination=/mnt/models,subpath=/models,rw=false", mount.Argument);
        Assert.Equal("/mnt/models/weights/model.safetensors", mount.EntryPath);
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal(Digest.Sha256(RealPodman5Fixture.ImageWeights).Encoded + "  /mnt/models/weights/model.safetensors", read.Stdout.Trim());
        Assert.Equal(string.Empty, mounted.Trim()); // the image the module mounted to look inside is unmounted again
        Assert.True(await strategy.RemoveAsync(image, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task Auto_takes_PodmanArtifact_for_artifacts_PodmanImage_for_images_and_HttpBind_for_tar_layers(string tool)
    {
        var chain = new StrategyChain(await fixture.ContextAsync(tool, log.Add), ModelPackSettings.Empty, new ReferenceKindCache());
        using var client = fixture.Setup.Client();

        var artifact = await chain.SelectAsync(null, ModelReference.Parse(fixture.PlainRef), client, CancellationToken.None);
        var image = await chain.SelectAsync(null, ModelReference.Parse(fixture.UnlabelledImageRef), client, CancellationToken.None);
        var tar = await chain.SelectAsync(null, ModelReference.Parse(fixture.TarRef), client, CancellationToken.None);

        Assert.Equal(StrategyName.PodmanArtifact, artifact.Strategy);
        Assert.Equal(StrategyName.PodmanImage, image.Strategy);
        Assert.Equal(StrategyName.HttpBind, tar.Strategy);
        Assert.Contains("tar layers", tar.Strategies[0].Reason);
        Assert.Equal(new[] { StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind }, chain.Stores.Select(s => s.Name));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.Quadlet57, TestTools.Quadlet58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(PodmansAndQuadlets))]
    public async Task File_paths_and_a_store_path_with_commas_and_quotes_are_quoted_in_the_mount_option_and_in_quadlet_units_and_a_container_reads_them(string tool, string quadlet)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var odd = TestArtifact.FromFiles("odd", ("model.gguf", LayerKind.Weight, TestArtifact.Bytes(505, 5_000)), ("notes/a,b \"c\".txt", LayerKind.Doc, Encoding.UTF8.GetBytes("odd name")));
        using (var client = fixture.Setup.Client())
        {
            await odd.PushAsync(client, fixture.Registry, "models/odd-" + tool, "1");
        }

        var reference = ModelReference.Parse($"{fixture.Registry}/models/odd-{tool}:1");
        var storeRoot = podman.File("store, \"quoted\"");
        var context = new StrategyContext(engine, () => ModelPack.Core.Store.ModelStore.Open(storeRoot), ProcessRunner.Instance, podman.Environment);
        var artifacts = new PodmanArtifactStrategy(context);
        var bind = new HttpBindStrategy(context);
        using var bindClient = fixture.Setup.Client();
        var inPodman = await artifacts.PullAsync(reference, Pull(), CancellationToken.None);
        var inStore = await bind.PullAsync(reference, Pull(bindClient), CancellationToken.None);
        var options = new MountOptions(engine, Destination);

        var artifactMounts = await artifacts.MountsAsync(inPodman, options, CancellationToken.None);
        var bindMount = Assert.Single(await bind.MountsAsync(inStore, options, CancellationToken.None));
        var readArtifacts = await podman.RunContainerAsync(artifactMounts.Select(m => m.Argument), Sha256Sum(odd, Destination));
        var readBind = await podman.RunContainerAsync(new[] { bindMount.Argument }, Sha256Sum(odd, Destination));

        Assert.Contains($"\"destination={Destination}/notes/a,b \"\"c\"\".txt\"", artifactMounts[1].Argument);
        Assert.Equal($"--mount=type=bind,\"src={storeRoot.Replace("\"", "\"\"", StringComparison.Ordinal)}/snapshots/{odd.Digest[7..]}\",destination={Destination},ro", bindMount.Argument);
        Assert.True(readArtifacts.Succeeded, readArtifacts.Stderr);
        Assert.Equal(ExpectedSums(odd, Destination), readArtifacts.Stdout.Trim());
        Assert.True(readBind.Succeeded, readBind.Stderr);
        Assert.Equal(ExpectedSums(odd, Destination), readBind.Stdout.Trim());

        var units = QuadletRendering.Render(artifactMounts, Destination, "odd-artifact").Concat(QuadletRendering.Render(new[] { bindMount }, Destination, "odd-bind"));
        var dryRun = await QuadletDryRun.RunAsync(quadlet, units.Select(u => (u.Name, u.Name.EndsWith(".container", StringComparison.Ordinal) ? "[Container]\nImage=" + PodmanSandbox.BusyboxImage + "\n" + u.Content : u.Content)));
        Assert.True(dryRun.Accepted, dryRun.ToString());
        var requires = dryRun.Services["odd-bind.service"].Split('\n')
            .Where(l => l.StartsWith("RequiresMountsFor=", StringComparison.Ordinal))
            .Select(l => l["RequiresMountsFor=".Length..].Trim('"').Replace("\\x20", " ", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal));
        Assert.Contains(inStore.Path, requires); // quadlet read the quoted source back as the store path
        Assert.Contains($"destination={Destination}/notes/a,b", dryRun.Services["odd-artifact.service"]);
        Assert.True(await artifacts.RemoveAsync(inPodman, CancellationToken.None));
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task A_credential_reaches_podman_only_through_a_private_auth_file_and_a_missing_one_or_a_missing_model_is_podmans_own_error(string tool)
    {
        var strategy = new PodmanArtifactStrategy(await fixture.ContextAsync(tool, log.Add));
        var reference = ModelReference.Parse(fixture.ProtectedRegistry + "/models/plain:1");
        var withCredential = Pull();
        withCredential.InsecureRegistries.Add(fixture.ProtectedRegistry);
        withCredential.Options = new ModelPack.Core.Transfer.PullOptions { Log = log.Add };
        withCredential.Credential = new ModelPack.Core.Registry.RegistryCredential(RealPodman5Fixture.User, RealPodman5Fixture.Password);
        var without = Pull();
        without.InsecureRegistries.Add(fixture.ProtectedRegistry);

        var pulled = await strategy.PullAsync(reference, withCredential, CancellationToken.None);
        Assert.True(await strategy.RemoveAsync(pulled, CancellationToken.None));
        var refused = await Assert.ThrowsAsync<ModelPack.Core.Errors.ModelPackException>(() => strategy.PullAsync(reference, without, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<ModelPack.Core.Errors.ModelPackException>(() => strategy.PullAsync(ModelReference.Parse(fixture.Registry + "/models/plain:no-such-tag"), Pull(), CancellationToken.None));

        Assert.Equal(RealPodman5Fixture.Plain.Digest, pulled.Digest);
        var command = Assert.Single(log, l => l.StartsWith("Running podman artifact pull", StringComparison.Ordinal)).Split(' ');
        Assert.Equal(new[] { "Running", "podman", "artifact", "pull", "--quiet", "--tls-verify=false", "--authfile" }, command.Take(7));
        Assert.False(File.Exists(command[7]), "the temporary auth file must be gone after the pull");
        Assert.DoesNotContain(log, l => l.Contains(RealPodman5Fixture.Password, StringComparison.Ordinal));
        Assert.Equal((ModelPack.Core.Errors.ErrorIds.ContainerEngineFailed, ModelPack.Core.Errors.ErrorKind.AuthenticationError), (refused.ErrorId, refused.Kind));
        Assert.DoesNotContain(RealPodman5Fixture.Password, refused.Message);
        Assert.Equal((ModelPack.Core.Errors.ErrorIds.ContainerEngineFailed, ModelPack.Core.Errors.ErrorKind.ObjectNotFound), (missing.ErrorId, missing.Kind));
        Assert.Contains("manifest unknown", missing.Message);
    }

    [ToolTheory(TestTools.Podman57, TestTools.Podman58, TestTools.DockerRegistry, TestTools.Busybox)]
    [MemberData(nameof(Podmans))]
    public async Task Tar_layers_are_not_mounted_as_artifacts_Auto_extracts_them_through_HttpBind_and_the_chain_lists_each_model_once(string tool)
    {
        var (podman, engine) = await fixture.PodmanAsync(tool);
        var chain = new StrategyChain(await fixture.ContextAsync(tool, log.Add), ModelPackSettings.Empty, new ReferenceKindCache());
        using var client = fixture.Setup.Client();
        var reference = ModelReference.Parse(fixture.TarRef);
        await podman.RunOkAsync("artifact", "pull", "--quiet", fixture.TarRef);
        var inPodman = (await chain.Get(StrategyName.PodmanArtifact).FindAsync(reference, CancellationToken.None))!;

        var forced = await Assert.ThrowsAsync<ArtifactNotMountableException>(() => chain.MountAsync(inPodman, StrategyName.PodmanArtifact, new MountOptions(engine, Destination), Pull(client), CancellationToken.None));
        var auto = Assert.Single(await chain.MountAsync(inPodman, null, new MountOptions(engine, Destination), Pull(client), CancellationToken.None));
        var read = await podman.RunContainerAsync(new[] { auto.Argument }, "cat", Destination + "/docs/a.md");
        var listed = (await chain.ListAsync(CancellationToken.None)).Where(a => a.Reference == fixture.TarRef).ToList();

        Assert.Equal(new[] { "docs" }, forced.UnmountableLayers);
        Assert.Contains("'docs'", forced.Message);
        Assert.Contains("HttpBind", forced.Message);
        Assert.Equal(("HttpBind", "bind"), (auto.Strategy, auto.Type));
        Assert.True(read.Succeeded, read.Stderr);
        Assert.Equal("# a", read.Stdout);
        Assert.Contains(log, l => l.Contains("tar layers", StringComparison.Ordinal));
        Assert.Equal("PodmanArtifact", Assert.Single(listed).Strategy); // in both stores, listed once, from the first
        Assert.True(await chain.Get(StrategyName.PodmanArtifact).RemoveAsync(reference, CancellationToken.None));
        Assert.True(await chain.Get(StrategyName.HttpBind).RemoveAsync(reference, CancellationToken.None));
    }

    /// <summary>A pull as Save-ModelArtifact makes it for a loopback registry (podman gets --tls-verify=false).</summary>
    private PullContext Pull(ModelPack.Core.Registry.RegistryClient? client = null)
    {
        var context = new PullContext { Client = client };
        context.InsecureRegistries.Add(fixture.Registry);
        return context;
    }

    internal static string[] Sha256Sum(TestArtifact model, string destination) =>
        new[] { "sha256sum" }.Concat(model.Layers.Select(l => destination + "/" + l.Descriptor.Filepath)).ToArray();

    internal static string ExpectedSums(TestArtifact model, string destination) =>
        string.Join("\n", model.Layers.Select(l => Digest.Sha256(l.Bytes).Encoded + "  " + destination + "/" + l.Descriptor.Filepath));
}
