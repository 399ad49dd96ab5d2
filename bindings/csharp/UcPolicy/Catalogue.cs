// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// The built-in policy catalogue: the roles, the rules and their sources. Static data of the
    /// native library, read once into managed objects; every member is thread-safe.
    /// </summary>
    public static class Catalogue
    {
        static readonly Lazy<Data> data = new Lazy<Data>(Load, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>Every role, in catalogue order (the tls-server baseline first).</summary>
        public static IReadOnlyList<Role> Roles => data.Value.Roles;

        /// <summary>Every rule, in catalogue order.</summary>
        public static IReadOnlyList<Rule> Rules => data.Value.Rules;

        /// <summary>Every documentary source.</summary>
        public static IReadOnlyList<Reference> References => data.Value.References;

        /// <summary>Finds a role by id or alias, case-insensitively ("exchange-um", "UM",
        /// "WebServicesExternal"...); null when there is none.</summary>
        public static Role? FindRole(string name)
        {
            if (name == null)
                throw new ArgumentNullException(nameof(name));
            Data d = data.Value;
            IntPtr role = Native.UcpRoleFind(name);
            if (role == IntPtr.Zero)
                return null;
            string id = Utf8.NonNull(Native.UcpRoleId(role));
            return d.RolesById.TryGetValue(id, out Role? found) ? found : null;
        }

        /// <summary>Whether a role of that id or alias exists (as <see cref="FindRole"/> finds it),
        /// without reading the catalogue into managed objects: a check by role name needs no more.</summary>
        internal static bool IsKnownRole(string name) => Native.UcpRoleFind(name) != IntPtr.Zero;

        /// <summary>Finds a rule by its exact code, e.g. "subject.cn-wildcard"; null when there is none.</summary>
        public static Rule? FindRule(string code)
        {
            if (code == null)
                throw new ArgumentNullException(nameof(code));
            return data.Value.RulesByCode.TryGetValue(code, out Rule? rule) ? rule : null;
        }

        /// <summary>Finds a source by key, e.g. "L13-WILD"; null when unknown.</summary>
        public static Reference? FindReference(string key)
        {
            if (key == null)
                throw new ArgumentNullException(nameof(key));
            return data.Value.ReferencesByKey.TryGetValue(key, out Reference? reference) ? reference : null;
        }

        sealed class Data
        {
            public IReadOnlyList<Role> Roles = Array.Empty<Role>();
            public IReadOnlyList<Rule> Rules = Array.Empty<Rule>();
            public IReadOnlyList<Reference> References = Array.Empty<Reference>();
            public Dictionary<string, Role> RolesById = new Dictionary<string, Role>(StringComparer.Ordinal);
            public Dictionary<string, Rule> RulesByCode = new Dictionary<string, Rule>(StringComparer.Ordinal);
            public Dictionary<string, Reference> ReferencesByKey = new Dictionary<string, Reference>(StringComparer.Ordinal);
        }

        static Data Load()
        {
            NativeLibraryLoader.EnsureLoaded();
            var d = new Data();
            d.References = Util.List(Native.UcpReferenceCount(), i => Reference.FromNative(Native.UcpReferenceAt(i)));
            foreach (Reference reference in d.References)
                d.ReferencesByKey[reference.Key] = reference;
            Reference Ref(IntPtr pointer)
            {
                string key = Utf8.NonNull(Native.UcpReferenceKey(pointer));
                return d.ReferencesByKey.TryGetValue(key, out Reference? known) ? known : Reference.FromNative(pointer);
            }

            d.Rules = Util.List(Native.UcpRuleCount(), i => Rule.FromNative(Native.UcpRuleAt(i)));
            foreach (Rule rule in d.Rules)
                d.RulesByCode[rule.Code] = rule;

            d.Roles = Util.List(Native.UcpRoleCount(), i => Role.FromNative(Native.UcpRoleAt(i), d.RulesByCode, Ref));
            foreach (Role role in d.Roles)
                d.RolesById[role.Id] = role;
            return d;
        }
    }

    /// <summary>A rule of the catalogue: one check with a stable code.</summary>
    public sealed class Rule
    {
        internal Rule(string code, string title, Field field, string remediation)
        {
            Code = code;
            Title = title;
            Field = field;
            Remediation = remediation;
        }

        /// <summary>The stable code, e.g. "subject.cn-wildcard".</summary>
        public string Code { get; }

        /// <summary>One-line title.</summary>
        public string Title { get; }

        /// <summary>The field the rule concerns.</summary>
        public Field Field { get; }

        /// <summary>The generic remediation text (a role may word it more precisely; a finding
        /// carries the role's wording with the certificate's values filled in).</summary>
        public string Remediation { get; }

        internal static Rule FromNative(IntPtr rule) => new Rule(
            Utf8.NonNull(Native.UcpRuleCode(rule)),
            Utf8.NonNull(Native.UcpRuleTitle(rule)),
            (Field)Native.UcpRuleField(rule),
            Utf8.NonNull(Native.UcpRuleRemediation(rule)));

        /// <summary>The code and title.</summary>
        public override string ToString() => Code + ": " + Title;
    }

    /// <summary>A UC server role and what its certificate must satisfy.</summary>
    public sealed class Role
    {
        Role() { }

        /// <summary>The stable id, e.g. "exchange-um".</summary>
        public string Id { get; private set; } = "";

        /// <summary>A display name, e.g. "Exchange Unified Messaging - UM service".</summary>
        public string Title { get; private set; } = "";

        /// <summary>What the certificate of this role is for.</summary>
        public string Description { get; private set; } = "";

        /// <summary>Other accepted names: Get-CsCertificate -Type and Enable-ExchangeCertificate
        /// -Services names such as "Default", "WebServicesExternal", "UM".</summary>
        public IReadOnlyList<string> Aliases { get; private set; } = Array.Empty<string>();

        /// <summary>The product releases the role exists in.</summary>
        public IReadOnlyList<Product> Products { get; private set; } = Array.Empty<Product>();

        /// <summary>The deployment facts its name rules need (missing ones give an
        /// "input.facts-missing" warning).</summary>
        public IReadOnlyList<Fact> RequiredFacts { get; private set; } = Array.Empty<Fact>();

        /// <summary>The deployment facts it uses at all (required or optional).</summary>
        public IReadOnlyList<Fact> UsedFacts { get; private set; } = Array.Empty<Fact>();

        IReadOnlyList<Binding> bindings = Array.Empty<Binding>();

        /// <summary>Whether the role exists in a product release.</summary>
        public bool IsInProduct(Product product) => Products.Contains(product);

        /// <summary>Whether <paramref name="name"/> is the id or an alias (case-insensitive).</summary>
        public bool IsNamed(string name) =>
            string.Equals(Id, name, StringComparison.OrdinalIgnoreCase) ||
            Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>The rules bound to the role that apply to <paramref name="product"/>, the
        /// tls-server baseline included, with their severity for that product.</summary>
        public IReadOnlyList<RoleRule> GetRules(Product product = Product.SfB2019) =>
            bindings.Where(b => b.Severities.ContainsKey(product))
                    .Select(b => new RoleRule(this, b, product))
                    .ToList()
                    .AsReadOnly();

        internal sealed class Binding
        {
            public Rule Rule = null!;
            public string Text = "";
            public bool IsBaseline;
            public IReadOnlyList<Reference> References = Array.Empty<Reference>();
            public Dictionary<Product, Severity> Severities = new Dictionary<Product, Severity>();
        }

        internal static Role FromNative(IntPtr role, IReadOnlyDictionary<string, Rule> rules, Func<IntPtr, Reference> reference)
        {
            var products = (Product[])Enum.GetValues(typeof(Product));
            var facts = (Fact[])Enum.GetValues(typeof(Fact));
            var result = new Role
            {
                Id = Utf8.NonNull(Native.UcpRoleId(role)),
                Title = Utf8.NonNull(Native.UcpRoleTitle(role)),
                Description = Utf8.NonNull(Native.UcpRoleDescription(role)),
                Aliases = Util.List(Native.UcpRoleAliasCount(role), i => Utf8.NonNull(Native.UcpRoleAliasAt(role, i))),
                Products = products.Where(p => Native.UcpRoleInProduct(role, (ucp_product)p)).ToList().AsReadOnly(),
                RequiredFacts = facts.Where(f => Native.UcpRoleRequiresFact(role, (ucp_fact)f)).ToList().AsReadOnly(),
                UsedFacts = facts.Where(f => Native.UcpRoleUsesFact(role, (ucp_fact)f)).ToList().AsReadOnly(),
            };
            result.bindings = Util.List(Native.UcpRoleRuleCount(role), i =>
            {
                IntPtr binding = Native.UcpRoleRuleAt(role, i);
                string code = Utf8.NonNull(Native.UcpRoleRuleCode(binding));
                var b = new Binding
                {
                    Rule = rules.TryGetValue(code, out Rule? rule) ? rule : Rule.FromNative(Native.UcpRoleRuleRule(binding)),
                    Text = Utf8.NonNull(Native.UcpRoleRuleText(binding)),
                    IsBaseline = Native.UcpRoleRuleIsBaseline(binding),
                    References = Util.List(Native.UcpRoleRuleReferenceCount(binding), j => reference(Native.UcpRoleRuleReferenceAt(binding, j))),
                };
                foreach (Product p in products)
                {
                    if (Native.UcpRoleRuleApplies(binding, (ucp_product)p))
                        b.Severities[p] = (Severity)Native.UcpRoleRuleSeverity(binding, (ucp_product)p);
                }
                return b;
            });
            return result;
        }

        /// <summary>The id and title.</summary>
        public override string ToString() => Id + ": " + Title;
    }

    /// <summary>A rule as a role binds it, for one product release.</summary>
    public sealed class RoleRule
    {
        readonly Role.Binding binding;

        internal RoleRule(Role role, Role.Binding binding, Product product)
        {
            this.binding = binding;
            Role = role.Id;
            Product = product;
            Severity = binding.Severities[product];
            Severities = new ReadOnlyDictionary<Product, Severity>(binding.Severities);
        }

        /// <summary>The role's id.</summary>
        public string Role { get; }

        /// <summary>The product release <see cref="Severity"/> is for.</summary>
        public Product Product { get; }

        /// <summary>The rule's code.</summary>
        public string Code => binding.Rule.Code;

        /// <summary>The rule's title.</summary>
        public string Title => binding.Rule.Title;

        /// <summary>The field concerned.</summary>
        public Field Field => binding.Rule.Field;

        /// <summary>The rule itself.</summary>
        public Rule Rule => binding.Rule;

        /// <summary>The severity of findings for <see cref="Product"/>.</summary>
        public Severity Severity { get; }

        /// <summary>The severity for every product release the rule applies to in this role.</summary>
        public IReadOnlyDictionary<Product, Severity> Severities { get; }

        /// <summary>The requirement as this role states it.</summary>
        public string Text => binding.Text;

        /// <summary>Whether the binding comes from the tls-server baseline rather than the role itself.</summary>
        public bool IsBaseline => binding.IsBaseline;

        /// <summary>The sources of the requirement.</summary>
        public IReadOnlyList<Reference> References => binding.References;

        /// <summary>The code, severity and role.</summary>
        public override string ToString() => Role + " " + Code + " (" + Severity.ToString().ToLowerInvariant() + ")";
    }
}
