import { Controller } from '@nestjs/common';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { GET_ME } from './identity.routes';

@Controller()
export class MeController {
  @AnalystRoute(GET_ME)
  me(@Analyst() req: AnalystRequest<typeof GET_ME>) {
    const { sub, name, force, forceName, roles } = req.user;
    return { sub, name, force, forceName, roles };
  }
}
