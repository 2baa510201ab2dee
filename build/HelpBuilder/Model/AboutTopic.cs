using System.Collections.Generic;
using ModelPack.HelpBuilder.Markdown;

namespace ModelPack.HelpBuilder.Model;

/// <summary>An about_* conceptual topic: its lookup name, one-line short description and the sections after it.</summary>
internal sealed record AboutTopic(string Name, string ShortDescription, IReadOnlyList<AboutSection> Sections);

/// <summary>A top-level section (LONG DESCRIPTION, EXAMPLES, ...) with its raw markdown blocks, sub-headings included.</summary>
internal sealed record AboutSection(string Title, IReadOnlyList<MarkdownBlock> Blocks);
