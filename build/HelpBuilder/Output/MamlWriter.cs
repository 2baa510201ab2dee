using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using ModelPack.HelpBuilder.Model;

namespace ModelPack.HelpBuilder.Output;

/// <summary>
/// Writes commands as a MAML help file (helpItems/command:command), the format Get-Help reads from
/// &lt;Assembly&gt;-Help.xml. XmlWriter does all escaping, so any text from a page stays well-formed.
/// </summary>
internal static class MamlWriter
{
    public const string MshNamespace = "http://msh";
    public const string MamlNamespace = "http://schemas.microsoft.com/maml/2004/10";
    public const string CommandNamespace = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public const string DevNamespace = "http://schemas.microsoft.com/maml/dev/2004/10";
    public const string MsHelpNamespace = "http://msdn.microsoft.com/mshelp";

    public static string Write(IEnumerable<CommandHelp> commands)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };

        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("helpItems", MshNamespace);
            xml.WriteAttributeString("schema", "maml");
            foreach (var command in commands)
            {
                WriteCommand(xml, command);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// The parameters of one set in the order Get-Command -Syntax shows them: positional ones by
    /// position, then mandatory named ones, then the rest, each group in page order.
    /// </summary>
    public static IReadOnlyList<(ParameterHelp Parameter, ParameterMetadata Metadata)> SyntaxParameters(CommandHelp command, ParameterSetHelp set)
    {
        var inSet = command.Parameters
            .Select((p, index) => (Parameter: p, Metadata: set.Name == ParameterSetHelp.AllSetsName ? p.Metadata[0] : p.ForSet(set.Name), Index: index))
            .Where(x => x.Metadata is not null)
            .Select(x => (x.Parameter, Metadata: x.Metadata!, x.Index))
            .ToList();

        return inSet
            .OrderBy(x => x.Metadata.Position is null ? 1 : 0)
            .ThenBy(x => x.Metadata.Position ?? 0)
            .ThenBy(x => x.Metadata.Required ? 0 : 1)
            .ThenBy(x => x.Index)
            .Select(x => (x.Parameter, x.Metadata))
            .ToList();
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp command)
    {
        xml.WriteStartElement("command", "command", CommandNamespace);
        xml.WriteAttributeString("xmlns", "maml", null, MamlNamespace);
        xml.WriteAttributeString("xmlns", "command", null, CommandNamespace);
        xml.WriteAttributeString("xmlns", "dev", null, DevNamespace);
        xml.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNamespace);

        xml.WriteStartElement("command", "details", CommandNamespace);
        xml.WriteElementString("command", "name", CommandNamespace, command.Name);
        xml.WriteElementString("command", "verb", CommandNamespace, command.Verb);
        xml.WriteElementString("command", "noun", CommandNamespace, command.Noun);
        WriteParagraphs(xml, "description", command.Synopsis);
        xml.WriteEndElement();

        WriteParagraphs(xml, "description", command.Description);

        xml.WriteStartElement("command", "syntax", CommandNamespace);
        foreach (var set in command.ParameterSets)
        {
            xml.WriteStartElement("command", "syntaxItem", CommandNamespace);
            xml.WriteElementString("maml", "name", MamlNamespace, command.Name);
            foreach (var (parameter, metadata) in SyntaxParameters(command, set))
            {
                WriteParameter(xml, parameter, metadata, inSyntax: true);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", CommandNamespace);
        foreach (var parameter in command.Parameters)
        {
            // One entry per parameter; where attributes differ by set, the first block describes it (as PlatyPS does).
            WriteParameter(xml, parameter, parameter.Metadata[0], inSyntax: false);
        }

        xml.WriteEndElement();

        WriteTypes(xml, "inputTypes", "inputType", command.Inputs);
        WriteTypes(xml, "returnValues", "returnValue", command.Outputs);

        if (command.Notes.Count > 0)
        {
            xml.WriteStartElement("maml", "alertSet", MamlNamespace);
            xml.WriteStartElement("maml", "alert", MamlNamespace);
            foreach (var note in command.Notes)
            {
                xml.WriteElementString("maml", "para", MamlNamespace, note);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", CommandNamespace);
        foreach (var example in command.Examples)
        {
            xml.WriteStartElement("command", "example", CommandNamespace);
            xml.WriteElementString("maml", "title", MamlNamespace, example.Title);
            if (example.Introduction.Count > 0)
            {
                WriteParagraphs(xml, "introduction", example.Introduction);
            }

            xml.WriteElementString("dev", "code", DevNamespace, example.Code);
            xml.WriteStartElement("dev", "remarks", DevNamespace);
            foreach (var remark in example.Remarks)
            {
                xml.WriteElementString("maml", "para", MamlNamespace, remark);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        if (command.Links.Count > 0)
        {
            xml.WriteStartElement("command", "relatedLinks", CommandNamespace);
            foreach (var link in command.Links)
            {
                xml.WriteStartElement("maml", "navigationLink", MamlNamespace);
                xml.WriteElementString("maml", "linkText", MamlNamespace, link.Text);
                xml.WriteElementString("maml", "uri", MamlNamespace, link.Uri);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, ParameterMetadata metadata, bool inSyntax)
    {
        xml.WriteStartElement("command", "parameter", CommandNamespace);
        xml.WriteAttributeString("required", Bool(metadata.Required));
        xml.WriteAttributeString("variableLength", Bool(metadata.IsArray));
        xml.WriteAttributeString("globbing", Bool(metadata.Globbing));
        xml.WriteAttributeString("pipelineInput", metadata.PipelineInputText);
        xml.WriteAttributeString("position", metadata.PositionText);
        xml.WriteAttributeString("aliases", metadata.Aliases.Count > 0 ? string.Join(", ", metadata.Aliases) : "none");

        xml.WriteElementString("maml", "name", MamlNamespace, parameter.Name);
        WriteParagraphs(xml, "description", parameter.Description);

        if (metadata.AcceptedValues.Count > 0)
        {
            xml.WriteStartElement("command", "parameterValueGroup", CommandNamespace);
            foreach (var value in metadata.AcceptedValues)
            {
                xml.WriteStartElement("command", "parameterValue", CommandNamespace);
                xml.WriteAttributeString("required", "false");
                xml.WriteAttributeString("variableLength", "false");
                xml.WriteString(value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // A switch takes no value; Get-Help would otherwise print "-Force <SwitchParameter>" in the syntax.
        if (!(inSyntax && metadata.IsSwitch))
        {
            xml.WriteStartElement("command", "parameterValue", CommandNamespace);
            xml.WriteAttributeString("required", Bool(!metadata.IsSwitch));
            xml.WriteAttributeString("variableLength", Bool(metadata.IsArray));
            xml.WriteString(metadata.MamlType);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("dev", "type", DevNamespace);
        xml.WriteElementString("maml", "name", MamlNamespace, metadata.MamlType);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", DevNamespace, metadata.DefaultValue);
        xml.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter xml, string container, string item, IReadOnlyList<TypeHelp> types)
    {
        if (types.Count == 0)
        {
            return;
        }

        xml.WriteStartElement("command", container, CommandNamespace);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", item, CommandNamespace);
            xml.WriteStartElement("dev", "type", DevNamespace);
            xml.WriteElementString("maml", "name", MamlNamespace, type.TypeName);
            xml.WriteEndElement();
            WriteParagraphs(xml, "description", type.Description);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteParagraphs(XmlWriter xml, string element, IReadOnlyList<string> paragraphs)
    {
        xml.WriteStartElement("maml", element, MamlNamespace);
        foreach (var paragraph in paragraphs)
        {
            xml.WriteElementString("maml", "para", MamlNamespace, paragraph);
        }

        xml.WriteEndElement();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
