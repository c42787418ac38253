/** The CWE entries crossread reports, with their official names. */
export const CWE_NAMES: Record<number, string> = {
  200: 'Exposure of Sensitive Information to an Unauthorized Actor',
  209: 'Generation of Error Message Containing Sensitive Information',
  213: 'Exposure of Sensitive Information Due to Incompatible Policies',
  215: 'Insertion of Sensitive Information Into Debugging Code',
  250: 'Execution with Unnecessary Privileges',
  306: 'Missing Authentication for Critical Function',
  312: 'Cleartext Storage of Sensitive Information',
  916: 'Use of Password Hash With Insufficient Computational Effort',
  345: 'Insufficient Verification of Data Authenticity',
  346: 'Origin Validation Error',
  347: 'Improper Verification of Cryptographic Signature',
  359: 'Exposure of Private Personal Information to an Unauthorized Actor',
  522: 'Insufficiently Protected Credentials',
  526: 'Cleartext Storage of Sensitive Information in an Environment Variable',
  532: 'Insertion of Sensitive Information into Log File',
  538: 'Insertion of Sensitive Information into Externally-Accessible File or Directory',
  540: 'Inclusion of Sensitive Information in Source Code',
  639: 'Authorization Bypass Through User-Controlled Key',
  732: 'Incorrect Permission Assignment for Critical Resource',
  863: 'Incorrect Authorization',
  942: 'Permissive Cross-domain Policy with Untrusted Domains',
  943: 'Improper Neutralization of Special Elements in Data Query Logic',
};

export interface Cwe {
  id: number;
  name: string;
}

export function cwe(id: number): Cwe {
  const name = CWE_NAMES[id];
  if (!name) throw new Error(`unknown CWE-${id}: add it to CWE_NAMES`);
  return { id, name };
}

export function cweTag(id: number): string {
  return `CWE-${id}`;
}

/** CWE entries the knowledge pages cite as related weaknesses besides those reported, with their official names. */
export const RELATED_CWE_NAMES: Record<number, string> = {
  20: 'Improper Input Validation',
  99: "Improper Control of Resource Identifiers ('Resource Injection')",
  117: 'Improper Output Neutralization for Logs',
  183: 'Permissive List of Allowed Inputs',
  185: 'Incorrect Regular Expression',
  201: 'Insertion of Sensitive Information Into Sent Data',
  203: 'Observable Discrepancy',
  210: 'Self-generated Error Message Containing Sensitive Information',
  211: 'Externally-Generated Error Message Containing Sensitive Information',
  212: 'Improper Removal of Sensitive Information Before Storage or Transfer',
  256: 'Plaintext Storage of a Password',
  259: 'Use of Hard-coded Password',
  260: 'Password in Configuration File',
  269: 'Improper Privilege Management',
  276: 'Incorrect Default Permissions',
  284: 'Improper Access Control',
  285: 'Improper Authorization',
  287: 'Improper Authentication',
  290: 'Authentication Bypass by Spoofing',
  311: 'Missing Encryption of Sensitive Data',
  319: 'Cleartext Transmission of Sensitive Information',
  321: 'Use of Hard-coded Cryptographic Key',
  328: 'Use of Weak Hash',
  352: 'Cross-Site Request Forgery (CSRF)',
  400: 'Uncontrolled Resource Consumption',
  489: 'Active Debug Code',
  497: 'Exposure of Sensitive System Information to an Unauthorized Control Sphere',
  524: 'Use of Cache Containing Sensitive Information',
  525: 'Use of Web Browser Cache Containing Sensitive Information',
  552: 'Files or Directories Accessible to External Parties',
  565: 'Reliance on Cookies without Validation and Integrity Checking',
  614: "Sensitive Cookie in HTTPS Session Without 'Secure' Attribute",
  625: 'Permissive Regular Expression',
  668: 'Exposure of Resource to Wrong Sphere',
  693: 'Protection Mechanism Failure',
  759: 'Use of a One-Way Hash without a Salt',
  770: 'Allocation of Resources Without Limits or Throttling',
  779: 'Logging of Excessive Data',
  798: 'Use of Hard-coded Credentials',
  807: 'Reliance on Untrusted Inputs in a Security Decision',
  862: 'Missing Authorization',
  915: 'Improperly Controlled Modification of Dynamically-Determined Object Attributes',
  922: 'Insecure Storage of Sensitive Information',
  1004: "Sensitive Cookie Without 'HttpOnly' Flag",
  1220: 'Insufficient Granularity of Access Control',
  1275: 'Sensitive Cookie with Improper SameSite Attribute',
  1390: 'Weak Authentication',
};
