// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections;
using System.Management.Automation;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Accepts any spelling of a value of one of the module's closed sets (the module's word, the service's
    /// spelling, or another word users type for it, ignoring case, '_' and '-'), and refuses anything else with
    /// a validation error that lists the module's words. Commands map the value with <see cref="Normalize"/>.
    /// Tab completion (<see cref="CdnArgumentCompleter"/>) offers one spelling per value: the module's word.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateCdnValueAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Creates the attribute for a set.</summary>
        public ValidateCdnValueAttribute(CdnValueSet set)
        {
            Set = set;
        }

        /// <summary>Gets the set.</summary>
        public CdnValueSet Set { get; }

        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            Vocabulary vocabulary = Normalize.Of(Set);
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            IEnumerable values = value is string || !(value is IEnumerable list) ? new[] { value } : list;
            foreach (object item in values)
            {
                string text = (item is PSObject inner ? inner.BaseObject : item)?.ToString();
                if (!vocabulary.TryParse(text, out _))
                {
                    throw new ValidationMetadataException($"'{text}' is not a {vocabulary.What}. {vocabulary.Describe()}");
                }
            }
        }
    }
}
