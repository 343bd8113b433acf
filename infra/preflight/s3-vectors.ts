import { ListVectorBucketsCommand } from '@aws-sdk/client-s3vectors';
import { type Check, describeError, isAccessDenied, isUnreachable } from './check.ts';

/** Amazon S3 Vectors (the default vector store) answers in the region: ListVectorBuckets, one result. */
export const s3VectorsCheck: Check = async ({ s3Vectors, region }) => {
  try {
    await s3Vectors.send(new ListVectorBucketsCommand({ maxResults: 1 }));
    return { id: 's3-vectors', status: 'pass', summary: `Amazon S3 Vectors answers in ${region}` };
  } catch (error) {
    const { name, message } = describeError(error);
    return {
      id: 's3-vectors',
      status: 'fail',
      summary: `Amazon S3 Vectors in ${region}: ${name}: ${message}`,
      fix: isUnreachable(error)
        ? `S3 Vectors is not offered in ${region}: deploy with -c vectorStore=opensearch-serverless, or choose a region S3 Vectors supports.`
        : isAccessDenied(error)
          ? 'Allow the deploying identity s3vectors:ListVectorBuckets.'
          : 'Retry; if it persists, check the service health dashboard for Amazon S3 in this region.',
    };
  }
};
