import { IntelHubInitial1764400000000 } from './1764400000000-intel-hub-initial';

/** Every migration, in order. The hub runs them at start (libs/db openDatabase). */
export const INTEL_HUB_MIGRATIONS = [IntelHubInitial1764400000000];
