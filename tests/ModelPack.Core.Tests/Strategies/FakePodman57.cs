using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Tests.Engines;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// A fake podman 5.7 (real podman 5.7 is not installable here) that follows its documented CLI contract for
/// the commands the artifact strategy uses: <c>version --format json</c>; <c>artifact ls</c> (the probe's
/// plain listing, and <c>--no-trunc --format TEMPLATE</c>, expanding only the documented placeholders
/// .Repository, .Tag, .Digest, .Created, .Size, .VirtualSize, with and without <c>json</c>, and failing on
/// anything else as Go's template engine would); <c>artifact pull [--tls-verify=false] [--authfile F] REF</c>
/// from a "registry" of fixtures (exit 125 "manifest unknown" for others); <c>artifact inspect REF</c> printing
/// the 5.7 object shape (exit 125 "REF: artifact does not exist"); <c>artifact rm REF</c>; and an empty image
/// store (<c>images --format json</c> prints [], <c>image exists</c> exits 1). State lives in files,
/// so separate invocations see each other's pulls. Calls are logged by <see cref="FakeEngines"/>.
/// </summary>
public sealed class FakePodman57 : IDisposable
{
    private readonly FakeEngines engines = new();

    public FakePodman57(string version = "5.7.0")
    {
        State = Path.Combine(Path.GetDirectoryName(engines.Bin)!, "podman-state");
        Directory.CreateDirectory(Path.Combine(State, "fixtures"));
        Directory.CreateDirectory(Path.Combine(State, "store"));
        Executable = engines.Script("podman", Body(FakeEngines.PodmanVersionJson(version)));
    }

    /// <summary>The fake executable.</summary>
    public string Executable { get; }

    public string State { get; }

    public IReadOnlyList<string> Calls => engines.Calls;

    /// <summary>What the fake found in the --authfile it was given: its mode and content (null when none was given).</summary>
    public (string Mode, string Content)? AuthFile =>
        File.Exists(System.IO.Path.Combine(State, "authfile.mode"))
            ? (File.ReadAllText(System.IO.Path.Combine(State, "authfile.mode")).Trim(), File.ReadAllText(System.IO.Path.Combine(State, "authfile.content")))
            : null;

    /// <summary>The probe result for this fake, as the real probe makes it.</summary>
    public Task<EngineInfo> ProbeAsync() =>
        new EngineProbe(ProcessRunner.Instance, new EngineProbeCache()).ProbeAsync(new EngineLocation(EngineKind.Podman, Executable, SettingSource.Parameter, "test"), refresh: true);

    /// <summary>Makes <paramref name="reference"/> pullable: podman would store it under <paramref name="digest"/> with this manifest.</summary>
    public void AddRemote(string reference, byte[] manifest, string digest) => WriteArtifact("fixtures", reference, manifest, digest);

    /// <summary>Puts an artifact straight into the fake's store, as if pulled earlier.</summary>
    public void AddLocal(string reference, byte[] manifest, string digest) => WriteArtifact("store", reference, manifest, digest);

    public bool IsLocal(string reference) => File.Exists(System.IO.Path.Combine(State, "store", Key(reference) + ".json"));

    public void Dispose() => engines.Dispose();

    /// <summary>podman 5.7's inspect output: the manifest re-serialised (indented), then Name and Digest.</summary>
    public static string InspectJson(string reference, byte[] manifest, string digest)
    {
        using var doc = JsonDocument.Parse(manifest);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("Manifest");
            doc.RootElement.WriteTo(writer);
            writer.WriteString("Name", reference);
            writer.WriteString("Digest", digest);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Key(string reference) => new(reference.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());

    private void WriteArtifact(string where, string reference, byte[] manifest, string digest)
    {
        var key = Key(reference);
        var colon = reference.LastIndexOf(':');
        var repository = colon > reference.LastIndexOf('/') ? reference[..colon] : reference;
        var tag = colon > reference.LastIndexOf('/') ? reference[(colon + 1)..] : "latest";
        File.WriteAllText(System.IO.Path.Combine(State, where, key + ".json"), InspectJson(reference, manifest, digest));
        File.WriteAllText(
            System.IO.Path.Combine(State, where, key + ".meta"),
            $"REPO='{repository}'\nTAG='{tag}'\nDIGEST='{digest.Split(':')[1]}'\nSIZE='{manifest.Length}'\n");
    }

    private string Body(string versionJson) => $$$"""
        STATE='{{{State}}}'
        key() { printf '%s' "$1" | sed 's/[^A-Za-z0-9._-]/_/g'; }
        if [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = json ] && [ $# -eq 3 ]; then
          printf '%s\n' '{{{versionJson}}}'
          exit 0
        fi
        if [ "$1" = images ] && [ "$2" = --format ] && [ "$3" = json ] && [ $# -eq 3 ]; then
          echo '[]'
          exit 0
        fi
        if [ "$1" = image ] && [ "$2" = exists ] && [ $# -eq 3 ]; then
          exit 1
        fi
        if [ "$1" != artifact ]; then
          echo "Error: unrecognized command \`podman $1\`" >&2
          exit 125
        fi
        sub="$2"
        shift 2
        case "$sub" in
          ls)
            fmt=""
            notrunc=no
            while [ $# -gt 0 ]; do
              case "$1" in
                --no-trunc) notrunc=yes; shift ;;
                --noheading|-n) shift ;;
                --format) fmt="$2"; shift 2 ;;
                --format=*) fmt="${1#--format=}"; shift ;;
                *) echo "Error: unknown flag: $1" >&2; exit 125 ;;
              esac
            done
            if [ -z "$fmt" ]; then
              echo 'REPOSITORY  TAG  DIGEST  CREATED  SIZE'
            fi
            for meta in "$STATE"/store/*.meta; do
              [ -e "$meta" ] || continue
              . "$meta"
              d="$DIGEST"
              [ "$notrunc" = yes ] || d=$(printf '%s' "$DIGEST" | cut -c1-12)
              if [ -z "$fmt" ]; then
                echo "$REPO  $TAG  $d  2 minutes ago  $SIZE B"
                continue
              fi
              line=$(printf '%s' "$fmt" | sed \
                -e "s|{{json .Repository}}|\"$REPO\"|g" -e "s|{{json .Tag}}|\"$TAG\"|g" -e "s|{{json .Digest}}|\"$d\"|g" \
                -e "s|{{json .VirtualSize}}|$SIZE|g" -e "s|{{json .Size}}|\"$SIZE B\"|g" -e "s|{{json .Created}}|\"2 minutes ago\"|g" \
                -e "s|{{.Repository}}|$REPO|g" -e "s|{{.Tag}}|$TAG|g" -e "s|{{.Digest}}|$d|g" -e "s|{{.VirtualSize}}|$SIZE|g")
              case "$line" in
                *'{{'*) echo "Error: template: list:1: executing \"list\": can't evaluate a placeholder of $fmt" >&2; exit 125 ;;
              esac
              printf '%s\n' "$line"
            done
            exit 0
            ;;
          pull)
            ref=""
            while [ $# -gt 0 ]; do
              case "$1" in
                --tls-verify=*|--quiet|-q) shift ;;
                --authfile) stat -c %a "$2" > "$STATE/authfile.mode"; cp "$2" "$STATE/authfile.content"; shift 2 ;;
                -*) echo "Error: unknown flag: $1" >&2; exit 125 ;;
                *) ref="$1"; shift ;;
              esac
            done
            k=$(key "$ref")
            if [ ! -f "$STATE/fixtures/$k.json" ]; then
              echo "Error: initializing source docker://$ref: reading manifest in $ref: manifest unknown" >&2
              exit 125
            fi
            cp "$STATE/fixtures/$k.json" "$STATE/store/$k.json"
            cp "$STATE/fixtures/$k.meta" "$STATE/store/$k.meta"
            . "$STATE/store/$k.meta"
            echo "$DIGEST"
            exit 0
            ;;
          inspect|rm)
            if [ $# -ne 1 ]; then
              echo "Error: accepts 1 arg(s), received $#" >&2
              exit 125
            fi
            k=$(key "$1")
            if [ ! -f "$STATE/store/$k.json" ]; then
              echo "Error: $1: artifact does not exist" >&2
              exit 125
            fi
            if [ "$sub" = inspect ]; then
              cat "$STATE/store/$k.json"
            else
              . "$STATE/store/$k.meta"
              rm -f "$STATE/store/$k.json" "$STATE/store/$k.meta"
              echo "$DIGEST"
            fi
            exit 0
            ;;
        esac
        echo "Error: unrecognized command \`podman artifact $sub\`" >&2
        exit 125
        """;
}
