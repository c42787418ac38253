/** AWS managed policies that reach DynamoDB, as the statements they stand for (policy versions of 2024-11); every reader expands them alike. */
export const MANAGED_POLICIES: Record<string, string[]> = {
  AmazonDynamoDBFullAccess: ['dynamodb:*'],
  AmazonDynamoDBReadOnlyAccess: [
    'dynamodb:BatchGetItem',
    'dynamodb:Describe*',
    'dynamodb:List*',
    'dynamodb:GetAbacStatus',
    'dynamodb:GetItem',
    'dynamodb:GetResourcePolicy',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:PartiQLSelect',
  ],
  AWSLambdaDynamoDBExecutionRole: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
  AdministratorAccess: ['*'],
};

/** `arn:aws:iam::aws:policy/service-role/X` or `X` → `X` when it is one of them. */
export function managedPolicyName(arnOrName: string): string | undefined {
  const name = arnOrName.replace(/^arn:aws[\w-]*:iam::aws:policy\/(?:service-role\/)?/, '');
  return Object.hasOwn(MANAGED_POLICIES, name) ? name : undefined;
}
