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
