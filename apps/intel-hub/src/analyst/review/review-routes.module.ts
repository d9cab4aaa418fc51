import { Module } from '@nestjs/common';
import { ReviewController } from './review.controller';

/** Match review: the queue, judgements, approval and retraction (docs/analyst.md). */
@Module({ controllers: [ReviewController] })
export class ReviewRoutesModule {}
