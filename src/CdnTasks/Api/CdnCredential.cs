// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace CdnTasks.Api
{
    /// <summary>
    /// An access key pair for SDK-HMAC-SHA256 signing. The secret key and the security token are kept as
    /// <see cref="SecureString"/>; they are turned into bytes only inside the signing call and the buffers are
    /// zeroed straight after. <see cref="ToString"/> never reveals them.
    /// </summary>
    public sealed class CdnCredential
    {
        /// <summary>Creates a credential. The secure strings are copied and made read-only.</summary>
        public CdnCredential(string accessKey, SecureString secretKey, SecureString securityToken, string domainId, string source)
            : this(accessKey, secretKey, securityToken, domainId, source, sourceDetail: null, domainIdSource: null)
        {
        }

        /// <summary>Creates a credential with the details of where it and its domain id came from.</summary>
        /// <param name="accessKey">The access key id (AK).</param>
        /// <param name="secretKey">The secret key (SK); copied and made read-only.</param>
        /// <param name="securityToken">The security token of temporary credentials, or null.</param>
        /// <param name="domainId">The account (domain) id, or null when unknown.</param>
        /// <param name="source">The kind of source: Parameter, Session, Environment or File.</param>
        /// <param name="sourceDetail">Which parameter, variable or file path supplied it.</param>
        /// <param name="domainIdSource">Where the domain id came from, or null.</param>
        public CdnCredential(string accessKey, SecureString secretKey, SecureString securityToken, string domainId, string source, string sourceDetail, string domainIdSource)
        {
            if (string.IsNullOrWhiteSpace(accessKey))
            {
                throw new ArgumentException("The access key is empty.", nameof(accessKey));
            }

            if (secretKey == null || secretKey.Length == 0)
            {
                throw new ArgumentException("The secret key is empty.", nameof(secretKey));
            }

            AccessKey = accessKey.Trim();
            SecretKey = Freeze(secretKey);
            SecurityToken = securityToken == null || securityToken.Length == 0 ? null : Freeze(securityToken);
            DomainId = string.IsNullOrWhiteSpace(domainId) ? null : domainId.Trim();
            Source = source ?? "unknown";
            SourceDetail = sourceDetail;
            DomainIdSource = DomainId == null ? null : (domainIdSource ?? Source);
        }

        /// <summary>Gets the access key id (AK). Not a secret, but shown masked to users.</summary>
        public string AccessKey { get; }

        /// <summary>Gets the secret key (SK).</summary>
        public SecureString SecretKey { get; }

        /// <summary>Gets the security token of temporary credentials, or null.</summary>
        public SecureString SecurityToken { get; }

        /// <summary>Gets the account (domain) id sent as X-Domain-Id, or null when unknown.</summary>
        public string DomainId { get; }

        /// <summary>Gets where the credential came from: Parameter, Session, Environment or File.</summary>
        public string Source { get; }

        /// <summary>Gets which parameter, environment variable or file (full path) supplied the credential, or null.</summary>
        public string SourceDetail { get; }

        /// <summary>Gets where the domain id came from (for example -DomainId, Session, HUAWEICLOUD_SDK_DOMAIN_ID, File, Discovered), or null.</summary>
        public string DomainIdSource { get; }

        /// <summary>Gets the access key with all but the first and last four characters masked.</summary>
        public string MaskedAccessKey => Mask(AccessKey);

        /// <summary>Masks a key: first and last four characters kept, the rest replaced by '*'.</summary>
        public static string Mask(string key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return string.Empty;
            }

            if (key.Length <= 8)
            {
                return new string('*', key.Length);
            }

            return key.Substring(0, 4) + new string('*', key.Length - 8) + key.Substring(key.Length - 4);
        }

        /// <summary>Makes a read-only secure string from plain text (for values read from the environment or a file).</summary>
        public static SecureString ToSecureString(string value)
        {
            if (value == null)
            {
                return null;
            }

            var secure = new SecureString();
            foreach (char c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>Returns a copy of this credential with another domain id.</summary>
        public CdnCredential WithDomainId(string domainId) => WithDomainId(domainId, null);

        /// <summary>Returns a copy of this credential with another domain id and the place it came from.</summary>
        public CdnCredential WithDomainId(string domainId, string domainIdSource) =>
            new CdnCredential(AccessKey, SecretKey, SecurityToken, domainId, Source, SourceDetail, domainIdSource);

        /// <inheritdoc/>
        public override string ToString() => $"{MaskedAccessKey} ({Source})";

        /// <summary>The secret key as UTF-8 bytes. The caller must zero the array when done.</summary>
        internal byte[] GetSecretKeyUtf8() => ToUtf8(SecretKey);

        /// <summary>The security token as plain text, for the X-Security-Token header only.</summary>
        internal string GetSecurityTokenPlain()
        {
            if (SecurityToken == null)
            {
                return null;
            }

            byte[] bytes = ToUtf8(SecurityToken);
            try
            {
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        private static SecureString Freeze(SecureString value)
        {
            SecureString copy = value.Copy();
            copy.MakeReadOnly();
            return copy;
        }

        private static byte[] ToUtf8(SecureString value)
        {
            IntPtr ptr = IntPtr.Zero;
            char[] chars = new char[value.Length];
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
                Marshal.Copy(ptr, chars, 0, chars.Length);
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                if (ptr != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(ptr);
                }
            }
        }
    }
}
