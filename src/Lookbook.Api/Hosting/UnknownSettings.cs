using System.Reflection;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Keys in a section that no property of its options class takes: a misspelt <c>DatbasePath</c> is reported with the
/// settings that do exist, instead of being ignored while the default silently applies.
/// </summary>
internal static class UnknownSettings
{
    public static IEnumerable<string> In(IConfigurationSection section, Type options)
    {
        var properties = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                yield return $"{child.Path} is not a setting; {section.Path} has {string.Join(", ", properties.Select(p => p.Name))}.";
            }
            else if (IsSection(property.PropertyType))
            {
                foreach (var problem in In(child, property.PropertyType))
                {
                    yield return problem;
                }
            }
        }
    }

    // Nested options (Embedding:Preprocessing) are checked too; values, lists and arrays are the binder's to convert.
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);
}
