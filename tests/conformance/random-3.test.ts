import { defineRandomSuite } from './randomSuite.js';

defineRandomSuite(101, 50);
