using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// JSON that parses but cannot be read as text: bytes that are not UTF-8, and escaped lone surrogates
/// (<c>"\ud800"</c>). System.Text.Json throws InvalidOperationException when such a string is read; every JSON
/// read must turn that into ModelSpecViolation naming the JSON path, for that reference only.
/// </summary>
public sealed class UndecodableJsonTests : HostileStoreTestBase
{
    /// <summary>Stands for the bad bytes in a template, replaced after encoding.</summary>
    private const string Marker = "@@BAD@@";

    public UndecodableJsonTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    public static TheoryData<string> Kinds => new() { "invalid UTF-8", "lone surrogate" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Parsing_names_the_path_of_a_string_that_is_not_text(string kind)
    {
        var json = Bad("{\"a\":{\"b\":[\"ok\",\"x" + Marker + "\"]}}", kind);

        var ex = Assert.Throws<UndecodableJsonException>(() => JsonText.Parse(json));

        Assert.Equal("$.a.b[1]", ex.Path);
        Assert.Contains(kind == "invalid UTF-8" ? "not valid UTF-8" : "lone UTF-16 surrogate", ex.Problem, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(ex);
    }

    [Fact]
    public void A_property_name_that_is_not_UTF8_is_named_by_its_object()
    {
        var json = Bad("{\"annotations\":{\"ok\":\"1\",\"" + Marker + "\":\"2\"}}", "invalid UTF-8");

        var ex = Assert.Throws<UndecodableJsonException>(() => JsonText.Parse(json));

        Assert.Equal("$.annotations", ex.Path);
        Assert.Contains("property name (property 2 of the object)", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_validators_and_parsers_report_the_path_instead_of_throwing_InvalidOperationException(string kind)
    {
        var blob = new byte[] { 1, 2, 3 };
        var manifest = Bad(Encoding.UTF8.GetString(Manifest(Config(blob), Layer(blob, annotations: At("w" + Marker + ".bin")))), kind);
        var config = Bad("{\"descriptor\":{\"name\":\"m" + Marker + "\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[]}}", kind);
        const string FilepathPath = "$.layers[0].annotations[\"org.cncf.model.filepath\"]";

        Assert.Equal(FilepathPath, Assert.Single(ManifestValidator.Validate(manifest)).Path);
        Assert.Equal("$.descriptor.name", Assert.Single(ConfigValidator.Validate(config)).Path);
        Assert.Equal(FilepathPath, Assert.Single(Assert.Throws<ModelSpecException>(() => ModelManifest.Parse(manifest)).Violations).Path);
        Assert.Equal("$.descriptor.name", Assert.Single(Assert.Throws<ModelSpecException>(() => ModelConfig.Parse(config)).Violations).Path);
        Assert.Equal(ErrorIds.InvalidLayout, Assert.Throws<ModelPackException>(() => WriteLayout(manifest).ReadEntries()).ErrorId);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_manifest_string_that_is_not_text_fails_that_pull_with_its_path_before_any_download(string kind)
    {
        var weights = TestArtifact.Bytes(1, 1000);
        var config = Config(weights);
        var repository = NewRepository("json-manifest");
        await PushBlobsAsync(repository, weights, config);
        var reference = await PushManifestAsync(repository, Bad(Encoding.UTF8.GetString(Manifest(config, Layer(weights, annotations: At("w" + Marker + ".bin")))), kind));
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelSpecException>(() => PullAsync(reference));

        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(reference.ToString(), ex.Target);
        Assert.Equal("$.layers[0].annotations[\"org.cncf.model.filepath\"]", Assert.Single(ex.Violations).Path);
        Assert.Contains(reference.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_config_string_that_is_not_text_fails_pull_and_remote_read_and_nothing_is_kept(string kind)
    {
        var weights = TestArtifact.Bytes(2, 1000);
        var config = Bad("{\"descriptor\":{\"name\":\"m" + Marker + "\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" + Digest.Sha256(weights) + "\"]}}", kind);
        var repository = NewRepository("json-config");
        await PushBlobsAsync(repository, weights, config);
        var reference = await PushManifestAsync(repository, Manifest(config, Layer(weights, annotations: At("w.bin"))));
        var before = Contents();
        using var client = Setup.Client();

        var pull = await Assert.ThrowsAsync<ModelSpecException>(() => PullAsync(reference, client));
        var remote = await Assert.ThrowsAsync<ModelSpecException>(() => RemoteArtifactReader.GetAsync(client, reference));

        foreach (var ex in new[] { pull, remote })
        {
            Assert.Equal(reference.ToString(), ex.Target);
            Assert.Equal("$.descriptor.name", Assert.Single(ex.Violations).Path);
        }

        Assert.Equal(before, Contents());
    }

    [Fact]
    public void A_layout_entry_that_cannot_be_read_is_reported_alone_and_the_others_are_read()
    {
        var good = TestArtifact.Create("good-json");
        var layout = WriteLayout(Bad(Encoding.UTF8.GetString(good.ManifestBytes).Replace("good-json", "bad" + Marker, StringComparison.Ordinal), "lone surrogate"), "bad");
        Tag(layout, "good", good);

        var unreadable = new System.Collections.Generic.List<(string Name, ModelSpecException Error)>();
        var entries = layout.ReadEntries((entry, error) => unreadable.Add((entry.Annotation(AnnotationKeys.RefName)!, error)));

        Assert.Equal("good", Assert.Single(entries).RefName);
        var (name, ex) = Assert.Single(unreadable);
        Assert.Equal("bad", name);
        Assert.Equal("bad", ex.Target);
        Assert.Equal("$.annotations[\"org.opencontainers.image.title\"]", Assert.Single(ex.Violations).Path);
    }

    [Fact]
    public async Task A_store_entry_another_tool_wrote_with_an_unreadable_manifest_is_left_out_with_a_warning()
    {
        var good = TestArtifact.Create("store-good");
        await PullAsync(await PushAsync(NewRepository("store-good"), good));
        var bad = Bad(Encoding.UTF8.GetString(good.ManifestBytes).Replace("store-good", "x" + Marker, StringComparison.Ordinal), "invalid UTF-8");
        Store.Layout.SetReference("elsewhere/bad:v1", new Descriptor(MediaTypes.OciManifest, Store.Layout.WriteBlob(bad), bad.Length));
        var damaged = new System.Collections.Generic.List<string>();

        var listed = Store.List(null, damaged.Add);

        Assert.Equal(good.Digest, Assert.Single(listed).Digest);
        Assert.Contains("'elsewhere/bad:v1'", Assert.Single(damaged), StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", damaged[0], StringComparison.Ordinal);
    }

    /// <summary>The template's UTF-8 bytes with <see cref="Marker"/> replaced by bytes that are not UTF-8, or by the escape \ud800.</summary>
    private static byte[] Bad(string template, string kind)
    {
        var replacement = kind == "invalid UTF-8" ? new byte[] { 0xC3, 0x28, 0xFF } : Encoding.ASCII.GetBytes("\\ud800");
        var bytes = Encoding.UTF8.GetBytes(template);
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at >= 0, "the template has no marker");
        return bytes[..at].Concat(replacement).Concat(bytes[(at + marker.Length)..]).ToArray();
    }

    /// <summary>A layout written without the module (blobs by digest, index.json by hand) holding one manifest.</summary>
    private OciLayout WriteLayout(byte[] manifest, string? refName = null)
    {
        var root = Root.File("layout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(root, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var digest = Digest.Sha256(manifest);
        File.WriteAllBytes(Path.Combine(root, "blobs", "sha256", digest.Encoded), manifest);
        var annotations = refName is null ? string.Empty : ",\"annotations\":{\"" + AnnotationKeys.RefName + "\":\"" + refName + "\"}";
        File.WriteAllText(Path.Combine(root, "index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + digest + "\",\"size\":" + manifest.Length + annotations + "}]}");
        return OciLayout.Open(root);
    }

    private static void Tag(OciLayout layout, string name, TestArtifact model)
    {
        foreach (var (_, bytes) in model.Blobs)
        {
            layout.WriteBlob(bytes);
        }

        layout.WriteBlob(model.ManifestBytes);
        layout.SetReference(name, model.Manifest.ToDescriptor());
    }
}
