/** Every static rule, listed explicitly; a test checks this list against the folder. */
import type { Rule } from './rule.ts';
import { rule as corsWildcardWithCredentials } from './cors-wildcard-with-credentials.ts';
import { rule as corsWildcardOrigin } from './cors-wildcard-origin.ts';
import { rule as corsPermissiveOriginRegex } from './cors-permissive-origin-regex.ts';
import { rule as corsNullOrigin } from './cors-null-origin.ts';
import { rule as corsOriginsAsString } from './cors-origins-as-string.ts';
import { rule as corsReflectedOrigin } from './cors-reflected-origin.ts';
import { rule as lambdaResponseCorsWildcard } from './lambda-response-cors-wildcard.ts';
import { rule as corsDevOrigin } from './cors-dev-origin.ts';
import { rule as dynamodbKeyFromRequest } from './dynamodb-key-from-request.ts';
import { rule as dynamodbMissingOwnershipCheck } from './dynamodb-missing-ownership-check.ts';
import { rule as dynamodbUnauthenticatedAccess } from './dynamodb-unauthenticated-access.ts';
import { rule as dynamodbScanExposed } from './dynamodb-scan-exposed.ts';
import { rule as dynamodbTableFromRequest } from './dynamodb-table-from-request.ts';
import { rule as jwtDecodedWithoutVerification } from './jwt-decoded-without-verification.ts';
import { rule as errorDetailToClient } from './error-detail-to-client.ts';
import { rule as sensitiveDataLogged } from './sensitive-data-logged.ts';
import { rule as piiReturnedWhole } from './pii-returned-whole.ts';
import { rule as sensitiveDataStoredInClear } from './sensitive-data-stored-in-clear.ts';
import { rule as secretWrittenReadable } from './secret-written-readable.ts';
import { rule as hardcodedCredentials } from './hardcoded-credentials.ts';
import { rule as debugModeEnabled } from './debug-mode-enabled.ts';
import { rule as gatewayCorsWildcardOrigin } from './gateway-cors-wildcard-origin.ts';
import { rule as gatewayCorsPermissiveOrigin } from './gateway-cors-permissive-origin.ts';
import { rule as gatewayRouteWithoutAuthorizer } from './gateway-route-without-authorizer.ts';
import { rule as iamDynamodbWildcard } from './iam-dynamodb-wildcard.ts';
import { rule as iamDynamodbLeadingkeysMisused } from './iam-dynamodb-leadingkeys-misused.ts';
import { rule as corsPreflightActualMismatch } from './cors-preflight-actual-mismatch.ts';
import { rule as secretsInFunctionEnvironment } from './secrets-in-function-environment.ts';

export const RULES: readonly Rule[] = [
  corsWildcardWithCredentials,
  corsWildcardOrigin,
  corsPermissiveOriginRegex,
  corsNullOrigin,
  corsOriginsAsString,
  corsReflectedOrigin,
  lambdaResponseCorsWildcard,
  corsDevOrigin,
  dynamodbKeyFromRequest,
  dynamodbMissingOwnershipCheck,
  dynamodbUnauthenticatedAccess,
  dynamodbScanExposed,
  dynamodbTableFromRequest,
  jwtDecodedWithoutVerification,
  errorDetailToClient,
  sensitiveDataLogged,
  piiReturnedWhole,
  sensitiveDataStoredInClear,
  secretWrittenReadable,
  hardcodedCredentials,
  debugModeEnabled,
  gatewayCorsWildcardOrigin,
  gatewayCorsPermissiveOrigin,
  gatewayRouteWithoutAuthorizer,
  iamDynamodbWildcard,
  iamDynamodbLeadingkeysMisused,
  corsPreflightActualMismatch,
  secretsInFunctionEnvironment,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
