// SPDX-License-Identifier: MIT
// Writes MAML help for the cmdlets of an assembly from their attributes and XML documentation
// comments (the <para type="synopsis"> / <para type="description"> convention, <example> blocks
// with <code> and <para>). Usage: UcPolicy.HelpGen CMDLETS.dll OUT.xml [OUT2.xml...]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace UcPolicy.HelpGen
{
    internal static class Program
    {
        static readonly XNamespace Msh = "http://msh";
        static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        static int Main(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: UcPolicy.HelpGen CMDLETS.dll OUT.xml [OUT.xml...]");
                return 2;
            }
            string assemblyPath = Path.GetFullPath(args[0]);
            string docPath = Path.ChangeExtension(assemblyPath, ".xml");
            if (!File.Exists(docPath))
            {
                Console.Error.WriteLine("no XML documentation next to the assembly: " + docPath);
                return 1;
            }
            Assembly assembly = Assembly.LoadFrom(assemblyPath);
            var docs = new Docs(XDocument.Load(docPath));
            var cmdlets = assembly.GetExportedTypes()
                .Select(t => (Type: t, Attribute: t.GetCustomAttribute<CmdletAttribute>()))
                .Where(c => c.Attribute != null)
                .OrderBy(c => c.Attribute!.NounName, StringComparer.Ordinal)
                .ThenBy(c => c.Attribute!.VerbName, StringComparer.Ordinal)
                .ToList();
            var names = cmdlets.Select(c => c.Attribute!.VerbName + "-" + c.Attribute.NounName).ToList();

            var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"));
            var problems = new List<string>();
            foreach (var (type, attribute) in cmdlets)
                root.Add(CommandElement(type, attribute!, docs, names, problems));
            if (problems.Count > 0)
            {
                foreach (string problem in problems)
                    Console.Error.WriteLine("help: " + problem);
                return 1;
            }

            var document = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
            foreach (string output in args.Skip(1))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                using var writer = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
                document.Save(writer);
            }
            Console.WriteLine("help for " + string.Join(", ", names) + " written to " + string.Join(", ", args.Skip(1)));
            return 0;
        }

        static XElement CommandElement(Type type, CmdletAttribute cmdlet, Docs docs, List<string> names, List<string> problems)
        {
            string name = cmdlet.VerbName + "-" + cmdlet.NounName;
            XElement? typeDoc = docs.Member("T:" + type.FullName);
            string synopsis = Para(typeDoc, "synopsis");
            string description = Para(typeDoc, "description");
            if (synopsis.Length == 0)
                problems.Add(name + " has no <para type=\"synopsis\">");

            var parameters = Parameters(type).ToList();
            foreach (var p in parameters)
            {
                if (Para(docs.Member(MemberId(type, p)), "description").Length == 0)
                    problems.Add(name + " -" + p.Name + " has no <para type=\"description\">");
            }
            if (cmdlet.SupportsShouldProcess)
            {
                parameters.Add(new Parameter("WhatIf", typeof(SwitchParameter), "Shows what would happen if the command ran; nothing is written.", new ParameterAttribute()));
                parameters.Add(new Parameter("Confirm", typeof(SwitchParameter), "Asks for confirmation before writing.", new ParameterAttribute()));
            }

            var sets = parameters.SelectMany(p => p.Sets).Where(s => s != ParameterAttribute.AllParameterSets).Distinct().ToList();
            if (sets.Count == 0)
                sets.Add(ParameterAttribute.AllParameterSets);
            string defaultSet = cmdlet.DefaultParameterSetName ?? sets[0];
            sets = sets.OrderBy(s => s == defaultSet ? 0 : 1).ToList();

            var syntax = new XElement(Command + "syntax");
            foreach (string set in sets)
            {
                var item = new XElement(Command + "syntaxItem", new XElement(Maml + "name", name));
                foreach (var p in parameters.Where(p => p.Sets.Contains(set) || p.Sets.Contains(ParameterAttribute.AllParameterSets))
                                             .OrderBy(p => p.Attribute(set).Position < 0 ? int.MaxValue : p.Attribute(set).Position)
                                             .ThenBy(p => p.Attribute(set).Mandatory ? 0 : 1))
                {
                    item.Add(ParameterElement(p, set, docs, type, withDescription: false));
                }
                syntax.Add(item);
            }

            var parameterList = new XElement(Command + "parameters");
            foreach (var p in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
                parameterList.Add(ParameterElement(p, null, docs, type, withDescription: true));

            var inputs = new XElement(Command + "inputTypes");
            foreach (var p in parameters.Where(p => p.Attributes.Any(a => a.ValueFromPipeline || a.ValueFromPipelineByPropertyName)))
            {
                string how = string.Join(", ", new[]
                {
                    p.Attributes.Any(a => a.ValueFromPipeline) ? "by value" : null,
                    p.Attributes.Any(a => a.ValueFromPipelineByPropertyName) ? "by property name (" + string.Join(", ", new[] { p.Name }.Concat(p.Aliases)) + ")" : null,
                }.Where(s => s != null));
                inputs.Add(new XElement(Command + "inputType",
                    new XElement(Dev + "type", new XElement(Maml + "name", TypeName(p.Type))),
                    Description("Binds to -" + p.Name + ", " + how + ".")));
            }

            var outputs = new XElement(Command + "returnValues");
            foreach (OutputTypeAttribute output in type.GetCustomAttributes<OutputTypeAttribute>())
            {
                foreach (PSTypeName t in output.Type)
                {
                    outputs.Add(new XElement(Command + "returnValue",
                        new XElement(Dev + "type", new XElement(Maml + "name", t.Name)),
                        Description(output.ParameterSetName.Length == 1 && output.ParameterSetName[0] == ParameterAttribute.AllParameterSets
                            ? "" : "With -" + string.Join(" or -", output.ParameterSetName) + ".")));
                }
            }

            var examples = new XElement(Command + "examples");
            int n = 0;
            foreach (XElement example in typeDoc?.Elements("example") ?? Enumerable.Empty<XElement>())
            {
                n++;
                string code = Code(example.Element("code"));
                var remarks = example.Elements("para").Select(para => new XElement(Maml + "para", Text(para)));
                examples.Add(new XElement(Command + "example",
                    new XElement(Maml + "title", "-------------------------- Example " + n + " --------------------------"),
                    new XElement(Dev + "code", code),
                    new XElement(Dev + "remarks", remarks)));
            }
            if (n == 0)
                problems.Add(name + " has no <example>");

            var links = new XElement(Maml + "relatedLinks");
            foreach (string other in names.Where(o => o != name))
                links.Add(new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", other), new XElement(Maml + "uri")));

            return new XElement(Command + "command",
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                new XElement(Command + "details",
                    new XElement(Command + "name", name),
                    Description(synopsis),
                    new XElement(Command + "verb", cmdlet.VerbName),
                    new XElement(Command + "noun", cmdlet.NounName)),
                Description(description),
                syntax, parameterList, inputs, outputs, examples, links);
        }

        static XElement ParameterElement(Parameter p, string? set, Docs docs, Type type, bool withDescription)
        {
            ParameterAttribute a = set != null ? p.Attribute(set) : p.Attributes.OrderByDescending(x => x.Mandatory).First();
            bool mandatory = set != null ? a.Mandatory : p.Attributes.Any(x => x.Mandatory);
            string pipeline = p.Attributes.Any(x => x.ValueFromPipeline) && p.Attributes.Any(x => x.ValueFromPipelineByPropertyName) ? "True (ByValue, ByPropertyName)"
                : p.Attributes.Any(x => x.ValueFromPipeline) ? "True (ByValue)"
                : p.Attributes.Any(x => x.ValueFromPipelineByPropertyName) ? "True (ByPropertyName)" : "False";
            bool isSwitch = p.Type == typeof(SwitchParameter);
            var element = new XElement(Command + "parameter",
                new XAttribute("required", mandatory ? "true" : "false"),
                new XAttribute("variableLength", p.Type.IsArray ? "true" : "false"),
                new XAttribute("globbing", p.Property?.GetCustomAttribute<SupportsWildcardsAttribute>() != null ? "true" : "false"),
                new XAttribute("pipelineInput", pipeline),
                new XAttribute("position", a.Position < 0 ? "named" : a.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
                new XElement(Maml + "name", p.Name));
            if (withDescription)
            {
                string text = p.Description ?? Para(docs.Member(MemberId(type, p)), "description");
                element.Add(Description(text));
            }
            if (!isSwitch)
            {
                element.Add(new XElement(Command + "parameterValue",
                    new XAttribute("required", "true"), new XAttribute("variableLength", p.Type.IsArray ? "true" : "false"), ShortTypeName(p.Type)));
            }
            element.Add(new XElement(Dev + "type", new XElement(Maml + "name", TypeName(p.Type))));
            if (withDescription)
            {
                Type underlying = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
                if (underlying.IsEnum)
                {
                    element.Add(new XElement(Command + "parameterValueGroup",
                        Enum.GetNames(underlying).Select(v => new XElement(Command + "parameterValue",
                            new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
                }
            }
            return element;
        }

        sealed class Parameter
        {
            public Parameter(PropertyInfo property)
            {
                Property = property;
                Name = property.Name;
                Type = property.PropertyType;
                Attributes = property.GetCustomAttributes<ParameterAttribute>().ToList();
                Aliases = property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToList();
            }

            public Parameter(string name, Type type, string description, ParameterAttribute attribute)
            {
                Name = name;
                Type = type;
                Description = description;
                Attributes = new List<ParameterAttribute> { attribute };
                Aliases = name == "WhatIf" ? new List<string> { "wi" } : name == "Confirm" ? new List<string> { "cf" } : new List<string>();
            }

            public PropertyInfo? Property { get; }
            public string Name { get; }
            public Type Type { get; }
            public string? Description { get; }
            public List<ParameterAttribute> Attributes { get; }
            public List<string> Aliases { get; }
            public IEnumerable<string> Sets => Attributes.Select(a => a.ParameterSetName);

            public ParameterAttribute Attribute(string set) =>
                Attributes.FirstOrDefault(a => a.ParameterSetName == set) ??
                Attributes.First(a => a.ParameterSetName == ParameterAttribute.AllParameterSets);
        }

        /// <summary>The XML documentation id of a parameter's property: that of the class declaring
        /// it (a parameter shared through a base class is documented there).</summary>
        static string MemberId(Type type, Parameter p) =>
            "P:" + (p.Property?.DeclaringType ?? type).FullName + "." + p.Name;

        static IEnumerable<Parameter> Parameters(Type type) =>
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any())
                .Select(p => new Parameter(p));

        static string ShortTypeName(Type t)
        {
            Type u = Nullable.GetUnderlyingType(t) ?? t;
            return u.IsArray ? u.GetElementType()!.Name + "[]" : u.Name;
        }

        static string TypeName(Type t)
        {
            Type u = Nullable.GetUnderlyingType(t) ?? t;
            return u.IsArray ? u.GetElementType()!.FullName + "[]" : u.FullName!;
        }

        static XElement Description(string text) =>
            new XElement(Maml + "description",
                text.Split(new[] { "\n\n" }, StringSplitOptions.RemoveEmptyEntries).Select(p => new XElement(Maml + "para", p.Trim())));

        static string Para(XElement? member, string kind)
        {
            XElement? summary = member?.Element("summary");
            if (summary == null)
                return "";
            var paras = summary.Elements("para").Where(p => (string?)p.Attribute("type") == kind).Select(Text).ToList();
            return string.Join("\n\n", paras);
        }

        /// <summary>The text of a documentation element: whitespace collapsed, cref names shortened.</summary>
        static string Text(XElement element)
        {
            var text = new StringBuilder();
            foreach (XNode node in element.Nodes())
            {
                if (node is XText t)
                    text.Append(t.Value);
                else if (node is XElement e && e.Name == "see")
                    text.Append(((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? "").Split('.').Last());
                else if (node is XElement other)
                    text.Append(other.Value);
            }
            return string.Join(" ", text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        /// <summary>A code block with its common indentation removed.</summary>
        static string Code(XElement? code)
        {
            if (code == null)
                return "";
            var lines = code.Value.Replace("\r", "").Split('\n').ToList();
            while (lines.Count > 0 && lines[0].Trim().Length == 0)
                lines.RemoveAt(0);
            while (lines.Count > 0 && lines[^1].Trim().Length == 0)
                lines.RemoveAt(lines.Count - 1);
            int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            return string.Join("\n", lines.Select(l => l.Length >= indent ? l.Substring(indent) : l.TrimStart()));
        }

        sealed class Docs
        {
            readonly Dictionary<string, XElement> members;

            public Docs(XDocument document) =>
                members = document.Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, m => m);

            public XElement? Member(string name) => members.TryGetValue(name, out XElement? m) ? m : null;
        }
    }
}
