using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Layout;

public sealed class OciLayoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Create_writes_the_spec_files_and_is_idempotent()
    {
        var root = _temp.Sub("store");
        var layout = OciLayout.Create(root);

        Assert.Equal(root, layout.Root);
        using (var layoutFile = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "oci-layout"))))
        {
            Assert.Equal("1.0.0", layoutFile.RootElement.GetProperty("imageLayoutVersion").GetString());
        }

        var index = layout.ReadIndex();
        Assert.Empty(index.Manifests);
        Assert.Equal(MediaTypes.OciIndex, index.MediaType);
        Assert.True(Directory.Exists(Path.Combine(root, "blobs", "sha256")));

        var artifact = TestArtifact.Write(layout);
        layout.SetReference("v1", artifact.Descriptor);
        var again = OciLayout.Create(root);
        Assert.Equal("v1", again.ReadEntries().Single().RefName);
    }

    [Fact]
    public void Create_refuses_a_non_empty_directory_that_is_not_a_layout()
    {
        var root = _temp.Sub("home");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "notes.txt"), "mine");

        var ex = Assert.Throws<ModelPackException>(() => OciLayout.Create(root));

        Assert.Equal(ErrorIds.InvalidLayout, ex.ErrorId);
        Assert.Equal(root, ex.Target);
        Assert.False(File.Exists(Path.Combine(root, "oci-layout")));
    }

    [Fact]
    public void Open_reports_a_missing_directory_as_LayoutNotFound()
    {
        var root = _temp.Sub("nope");

        var ex = Assert.Throws<ModelPackException>(() => OciLayout.Open(root));

        Assert.Equal(ErrorIds.LayoutNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(root, ex.Target);
    }

    [Theory]
    [InlineData("oci-layout")]
    [InlineData("index.json")]
    public void Open_reports_a_missing_spec_file_as_LayoutNotFound(string missing)
    {
        var root = _temp.Sub("layout");
        OciLayout.Create(root);
        File.Delete(Path.Combine(root, missing));

        var ex = Assert.Throws<ModelPackException>(() => OciLayout.Open(root));

        Assert.Equal(ErrorIds.LayoutNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(root, ex.Target);
        Assert.Contains(missing, ex.Message);
    }

    [Theory]
    [InlineData("oci-layout", "not json", "not valid JSON")]
    [InlineData("oci-layout", "[]", "imageLayoutVersion")]
    [InlineData("oci-layout", "{\"imageLayoutVersion\":1}", "imageLayoutVersion")]
    [InlineData("oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}", "only 1.x")]
    [InlineData("index.json", "{\"schemaVersion\":2,", "not valid JSON")]
    [InlineData("index.json", "{\"schemaVersion\":1,\"manifests\":[]}", "schemaVersion must be 2")]
    [InlineData("index.json", "{\"schemaVersion\":2}", "no 'manifests' array")]
    [InlineData("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1}]}", "manifests[0] has no valid digest")]
    [InlineData("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa\"}]}", "manifests[0] has no valid size")]
    public void Open_reports_malformed_spec_files_as_InvalidLayout(string file, string content, string fragment)
    {
        var root = _temp.Sub("layout");
        OciLayout.Create(root);
        File.WriteAllText(Path.Combine(root, file), content);

        var ex = Assert.Throws<ModelPackException>(() => OciLayout.Open(root));

        Assert.Equal(ErrorIds.InvalidLayout, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(root, ex.Target);
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void Written_blobs_are_content_addressed_and_read_back_verified()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var bytes = Encoding.UTF8.GetBytes("hello blob");

        var digest = layout.WriteBlob(bytes);

        Assert.Equal(Digest.Sha256(bytes).ToString(), digest);
        var path = layout.BlobPath(digest);
        Assert.Equal(Path.Combine(layout.Root, "blobs", "sha256", digest.Substring(7)), path);
        Assert.True(layout.HasBlob(digest));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(bytes, layout.ReadBlob(new Descriptor("application/octet-stream", digest, bytes.Length)));
        Assert.Equal(bytes, layout.ReadBlob(digest, maxBytes: bytes.Length));
        Assert.Empty(Directory.GetFiles(Path.Combine(layout.Root, "tmp")));
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd", ErrorIds.InvalidDigest)]
    [InlineData("..:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", ErrorIds.UnsupportedDigest)]
    [InlineData("sha256/../../x:abc", ErrorIds.InvalidDigest)]
    [InlineData("sha256:7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA", ErrorIds.InvalidDigest)]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", ErrorIds.UnsupportedDigest)]
    [InlineData("sha256:", ErrorIds.InvalidDigest)]
    [InlineData("", ErrorIds.InvalidDigest)]
    public void BlobPath_rejects_anything_but_well_formed_verifiable_digests(string digest, string errorId)
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));

        var ex = Assert.Throws<ModelPackException>(() => layout.BlobPath(digest));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(digest, ex.Target);
        Assert.Throws<ModelPackException>(() => layout.HasBlob(digest));
        Assert.Throws<ModelPackException>(() => layout.DeleteBlob(digest));
    }

    [Fact]
    public void Sha512_blobs_live_under_their_own_algorithm()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var hex = new string('a', 128);

        Assert.Equal(Path.Combine(layout.Root, "blobs", "sha512", hex), layout.BlobPath("sha512:" + hex));
    }

    [Fact]
    public void A_corrupted_blob_is_a_DigestMismatch()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var bytes = Encoding.UTF8.GetBytes("original content");
        var digest = layout.WriteBlob(bytes);
        File.WriteAllText(layout.BlobPath(digest), "tampered content");

        var ex = Assert.Throws<ModelPackException>(() => layout.ReadBlob(new Descriptor("x", digest, bytes.Length)));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(digest, ex.Target);
        Assert.Contains(Digest.Sha256("tampered content").ToString(), ex.Message);
        Assert.Equal(ErrorIds.DigestMismatch, Assert.Throws<ModelPackException>(() => layout.ReadBlob(digest, 1000)).ErrorId);
    }

    [Fact]
    public void Size_checks_come_before_hashing()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var bytes = Encoding.UTF8.GetBytes("twelve bytes");
        var digest = layout.WriteBlob(bytes);

        var wrongSize = Assert.Throws<ModelPackException>(() => layout.ReadBlob(new Descriptor("x", digest, bytes.Length + 1)));
        Assert.Equal(ErrorIds.SizeMismatch, wrongSize.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, wrongSize.Kind);

        var tooBig = Assert.Throws<ModelPackException>(() => layout.ReadBlob(digest, maxBytes: bytes.Length - 1));
        Assert.Equal(ErrorIds.SizeMismatch, tooBig.ErrorId);
        Assert.Contains("more than the 11 allowed", tooBig.Message);
    }

    [Fact]
    public void A_missing_blob_is_BlobNotFound()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var digest = Digest.Sha256("never written").ToString();

        var ex = Assert.Throws<ModelPackException>(() => layout.ReadBlob(digest, 100));

        Assert.Equal(ErrorIds.BlobNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(digest, ex.Target);
        Assert.False(layout.HasBlob(digest));
        Assert.Equal(ErrorIds.BlobNotFound, Assert.Throws<ModelPackException>(() => layout.OpenBlob(digest)).ErrorId);
    }

    [Fact]
    public async Task OpenBlob_streams_and_verifies_at_the_end()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var digest = layout.WriteBlob(bytes);

        using (var stream = layout.OpenBlob(digest, bytes.Length))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
            Assert.Equal(0, stream.Read(new byte[10], 0, 10));
        }

        using (var stream = layout.OpenBlob(digest))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
    }

    [Fact]
    public void OpenBlob_throws_DigestMismatch_on_the_final_read_of_a_corrupt_blob()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var bytes = Enumerable.Range(0, 50_000).Select(i => (byte)i).ToArray();
        var digest = layout.WriteBlob(bytes);
        var corrupt = (byte[])bytes.Clone();
        corrupt[49_999] ^= 0xFF;
        File.WriteAllBytes(layout.BlobPath(digest), corrupt);

        using var stream = layout.OpenBlob(digest, bytes.Length);
        var buffer = new byte[8192];
        var total = 0;
        ModelPackException? failure = null;
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
        }
        catch (ModelPackException ex)
        {
            failure = ex;
        }

        Assert.Equal(bytes.Length, total);
        Assert.NotNull(failure);
        Assert.Equal(ErrorIds.DigestMismatch, failure!.ErrorId);
    }

    [Fact]
    public void OpenBlob_with_a_wrong_expected_size_fails_before_reading()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var digest = layout.WriteBlob(new byte[10]);

        var ex = Assert.Throws<ModelPackException>(() => layout.OpenBlob(digest, 11));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
    }

    [Fact]
    public void DeleteBlob_removes_only_that_blob()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var keep = layout.WriteBlob(Encoding.UTF8.GetBytes("keep"));
        var drop = layout.WriteBlob(Encoding.UTF8.GetBytes("drop"));

        Assert.True(layout.DeleteBlob(drop));
        Assert.False(layout.DeleteBlob(drop));
        Assert.False(layout.HasBlob(drop));
        Assert.True(layout.HasBlob(keep));
    }

    [Fact]
    public void SetReference_tags_a_manifest_and_ReadEntries_returns_it_parsed()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var artifact = TestArtifact.Write(layout);

        layout.SetReference("docker.io/library/tiny:v1", artifact.Descriptor);

        var entry = Assert.Single(layout.ReadEntries());
        Assert.Equal("docker.io/library/tiny:v1", entry.RefName);
        Assert.Equal(artifact.Manifest.Digest, entry.Digest);
        Assert.Equal(artifact.Manifest.ToBytes(), entry.Manifest.ToBytes());
        Assert.True(entry.Manifest.IsModelArtifact);
        Assert.Equal("model.gguf", entry.Manifest.Layers[0].Filepath);
        Assert.Same(entry.Descriptor, entry.RootDescriptor);
        Assert.Equal(MediaTypes.ModelArtifact, entry.Descriptor.ArtifactType);
    }

    [Fact]
    public void One_ref_name_maps_to_one_manifest()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var first = TestArtifact.Write(layout, "first");
        var second = TestArtifact.Write(layout, "second");

        layout.SetReference("latest", first.Descriptor);
        layout.SetReference("pinned", first.Descriptor);
        layout.SetReference("latest", second.Descriptor);

        var entries = layout.ReadEntries();
        Assert.Equal(2, entries.Count);
        Assert.Equal(second.Manifest.Digest, entries.Single(e => e.RefName == "latest").Digest);
        Assert.Equal(first.Manifest.Digest, entries.Single(e => e.RefName == "pinned").Digest);

        Assert.True(layout.RemoveReference("latest"));
        Assert.False(layout.RemoveReference("latest"));
        Assert.Equal("pinned", Assert.Single(layout.ReadEntries()).RefName);
        Assert.True(layout.HasBlob(second.Manifest.Digest));
    }

    [Fact]
    public void Tag_changes_keep_entries_and_fields_written_by_other_tools()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var ours = TestArtifact.Write(layout, "ours");
        var theirs = TestArtifact.Write(layout, "theirs");
        var foreignEntry =
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + theirs.Manifest.Digest + "\",\"size\":" + theirs.Manifest.Size +
            ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"theirs\",\"io.example.note\":\"keep me\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"io.example.extra\":[1,2]}";
        var untagged = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + ours.Manifest.Digest + "\",\"size\":" + ours.Manifest.Size + "}";
        File.WriteAllText(
            Path.Combine(layout.Root, "index.json"),
            "{\"schemaVersion\":2,\"manifests\":[" + foreignEntry + "," + untagged + "],\"annotations\":{\"io.example.index\":\"x\"},\"io.example.top\":true}");

        layout.SetReference("ours", ours.Descriptor);
        layout.SetReference("ours", ours.Descriptor);
        Assert.False(layout.RemoveReference("gone"));

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout.Root, "index.json")));
        var manifests = doc.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(3, manifests.Count);
        Assert.Equal(Canonical(foreignEntry), Canonical(manifests[0].GetRawText()));
        Assert.Equal(Canonical(untagged), Canonical(manifests[1].GetRawText()));
        Assert.Equal("x", doc.RootElement.GetProperty("annotations").GetProperty("io.example.index").GetString());
        Assert.True(doc.RootElement.GetProperty("io.example.top").GetBoolean());
        var entries = layout.ReadEntries();
        Assert.Equal(new[] { "theirs", null, "ours" }, entries.Select(e => e.RefName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-leading")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("a---b")]
    [InlineData("a..b")]
    [InlineData("naïve")]
    public void SetReference_rejects_names_outside_the_ref_name_grammar(string refName)
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var artifact = TestArtifact.Write(layout);

        var ex = Assert.Throws<ModelPackException>(() => layout.SetReference(refName, artifact.Descriptor));

        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(refName, ex.Target);
        Assert.Empty(layout.ReadIndex().Manifests);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("registry.example.com:5000/org/model:v1.0-rc_1")]
    [InlineData("a--b")]
    [InlineData("ubuntu:latest@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa")]
    [InlineData("c+d")]
    public void SetReference_accepts_ref_names_of_the_grammar(string refName)
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var artifact = TestArtifact.Write(layout);

        layout.SetReference(refName, artifact.Descriptor);

        Assert.Equal(refName, Assert.Single(layout.ReadEntries()).RefName);
    }

    [Fact]
    public void SetReference_needs_the_manifest_blob_in_the_layout()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var missing = new Descriptor(MediaTypes.OciManifest, Digest.Sha256("absent").ToString(), 6);

        var ex = Assert.Throws<ModelPackException>(() => layout.SetReference("v1", missing));

        Assert.Equal(ErrorIds.BlobNotFound, ex.ErrorId);
        Assert.Empty(layout.ReadIndex().Manifests);
    }

    [Fact]
    public void Concurrent_SetReference_from_many_threads_keeps_every_ref()
    {
        var root = _temp.Sub("layout");
        var artifact = TestArtifact.Write(OciLayout.Create(root));
        const int threads = 8;
        const int refsPerThread = 6;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var layout = OciLayout.Open(root);
            start.SignalAndWait();
            for (var i = 0; i < refsPerThread; i++)
            {
                layout.SetReference($"t{t}-r{i}", artifact.Descriptor);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(60))));

        var names = OciLayout.Open(root).ReadEntries().Select(e => e.RefName).ToList();
        Assert.Equal(threads * refsPerThread, names.Count);
        Assert.Equal(threads * refsPerThread, names.Distinct().Count());
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "tmp")));
    }

    [Fact]
    public void SetReference_waits_for_the_index_lock_then_reports_StoreLocked()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var artifact = TestArtifact.Write(layout);
        layout.LockTimeout = TimeSpan.FromMilliseconds(200);

        using (FileLock.Acquire(Path.Combine(layout.Root, "index.json.lock"), TimeSpan.Zero))
        {
            var ex = Assert.Throws<ModelPackException>(() => layout.SetReference("v1", artifact.Descriptor));
            Assert.Equal(ErrorIds.StoreLocked, ex.ErrorId);
            Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
        }

        layout.SetReference("v1", artifact.Descriptor);
        Assert.Single(layout.ReadEntries());
    }

    [Fact]
    public void ReadEntries_follows_nested_indexes()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var a = TestArtifact.Write(layout, "a");
        var b = TestArtifact.Write(layout, "b");
        var inner = ImageIndex.Create(new[] { b.Descriptor });
        var innerDigest = layout.WriteBlob(inner.ToBytes());
        var outer = ImageIndex.Create(new[] { a.Descriptor, new Descriptor(MediaTypes.OciIndex, innerDigest, inner.ToBytes().Length) });
        var outerDescriptor = new Descriptor(MediaTypes.OciIndex, layout.WriteBlob(outer.ToBytes()), outer.ToBytes().Length);

        layout.SetReference("multi", outerDescriptor);

        var entries = layout.ReadEntries();
        Assert.Equal(new[] { a.Manifest.Digest, b.Manifest.Digest }, entries.Select(e => e.Digest));
        Assert.All(entries, e => Assert.Equal("multi", e.RefName));
        Assert.All(entries, e => Assert.Equal(outerDescriptor.Digest, e.RootDescriptor.Digest));
    }

    [Fact]
    public void ReadEntries_refuses_a_tampered_manifest()
    {
        var layout = OciLayout.Create(_temp.Sub("layout"));
        var artifact = TestArtifact.Write(layout);
        layout.SetReference("v1", artifact.Descriptor);
        var path = layout.BlobPath(artifact.Manifest.Digest);
        var tampered = File.ReadAllText(path).Replace("model.gguf", "MODEL.gguf");
        Assert.Equal(artifact.Manifest.Size, Encoding.UTF8.GetByteCount(tampered));
        File.WriteAllText(path, tampered);

        var ex = Assert.Throws<ModelPackException>(() => layout.ReadEntries());

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(artifact.Manifest.Digest, ex.Target);
    }

    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement);
    }
}
